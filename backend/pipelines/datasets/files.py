"""Reading an uploaded file defensively: CSV or Parquet, nothing else, with clear errors.

Every error names the field (``file``) and, for CSV, the line at fault. Nothing here unpickles or
evaluates anything from the file. What a file may decode into is bounded (`UploadLimits`): rows,
columns, cells, the length of a line and of a cell are checked while the file is streamed, and a
Parquet file's metadata is checked before any of its rows is decoded.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from backend.errors import UnsupportedFormatError, UserError

PARQUET_MAGIC = b"PAR1"
CSV_SUFFIXES = {".csv", ".tsv", ".txt", ""}
PARQUET_SUFFIXES = {".parquet", ".pq"}
SNIFF_BYTES = 64 * 1024

#: Rows decoded at a time from a Parquet file, so that limits are checked as it is decoded.
PARQUET_BATCH_ROWS = 64 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may decode into; the API passes its settings in (UPLOAD_MAX_*)."""

    #: Data rows.
    max_rows: int = 10_000_000
    #: Columns.
    max_columns: int = 10_000
    #: Rows x columns.
    max_cells: int = 100_000_000
    #: Characters in one physical line of a CSV file.
    max_line_chars: int = 4 * 1024 * 1024
    #: Characters in one cell (a CSV field, a Parquet string or binary value).
    max_cell_chars: int = 1024 * 1024
    #: Bytes the decoded Parquet table may take in memory (Arrow's count).
    max_decoded_bytes: int = 2 * 1024**3


@dataclass
class ParsedFile:
    """A table read from an upload."""

    frame: pd.DataFrame
    format: str


def _file_error(message: str, **place: int | str) -> UserError:
    return UserError(message, field="file", **place)


def _bounded_lines(handle: TextIO, limit: int) -> Iterator[str]:
    """The physical lines of `handle`, refusing one longer than `limit` characters without
    holding more than that of it in memory."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise _file_error(
                f"line {number} is longer than the limit of {limit} characters "
                "(UPLOAD_MAX_LINE_CHARS); split long text over several rows or columns",
                line=number,
            )
        yield line


def _first_duplicate(names: Iterable[str]) -> str | None:
    """The first (alphabetically) name that occurs more than once; linear in the names."""
    repeated = [name for name, count in Counter(names).items() if count > 1]
    return min(repeated) if repeated else None


def _check_width(columns: int, limits: UploadLimits, **place: int) -> None:
    if columns > limits.max_columns:
        raise _file_error(
            f"the file has {columns} columns, more than the limit of {limits.max_columns} "
            "(UPLOAD_MAX_COLUMNS)",
            **place,
        )


def _check_length(rows: int, columns: int, limits: UploadLimits, **place: int) -> None:
    if rows > limits.max_rows:
        raise _file_error(
            f"the file has more than {limits.max_rows} rows, the limit (UPLOAD_MAX_ROWS); "
            "upload a sample or split the file",
            **place,
        )
    if rows * columns > limits.max_cells:
        raise _file_error(
            f"the file has more than {limits.max_cells} cells (rows x columns), the limit "
            "(UPLOAD_MAX_CELLS); upload fewer rows or columns",
            **place,
        )


def _check_csv_structure(path: Path, delimiter: str, limits: UploadLimits) -> int:
    """Walk the CSV once: valid UTF-8, a usable header, every row as wide as the header, and
    within the limits.

    Returns the number of data rows. Streaming: memory does not grow with the file, only with
    the longest line, which is bounded.
    """
    done = 0  # the last line read completely; a row that fails to parse starts after it
    rows = 0
    # The csv module's field limit is global to the process; every upload uses the same one.
    csv.field_size_limit(limits.max_cell_chars)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = _bounded_lines(handle, limits.max_line_chars)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            header = next(reader, None)
            while header == []:  # blank lines before the header, as pandas skips them
                done = reader.line_num
                header = next(reader, None)
            if header is None:
                raise _file_error(
                    "file is empty or has only blank lines; it needs a header", line=1
                )
            header_line, done = done + 1, reader.line_num
            names = [name.strip() for name in header]
            _check_width(len(names), limits, line=header_line)
            for index, name in enumerate(names):
                if not name:
                    raise _file_error(
                        f"line {header_line}: column {index + 1} of the header has no name",
                        line=header_line,
                    )
            duplicate = _first_duplicate(names)
            if duplicate is not None:
                raise _file_error(
                    f"line {header_line}: duplicate column name '{duplicate}'",
                    line=header_line,
                    column=duplicate,
                )
            max_rows = min(limits.max_rows, limits.max_cells // len(names))
            for row in reader:
                line = done = reader.line_num
                if not row:
                    continue  # blank line
                if len(row) != len(header):
                    raise _file_error(
                        f"line {line}: expected {len(header)} fields as in the header, "
                        f"found {len(row)}",
                        line=line,
                    )
                rows += 1
                if rows > max_rows:
                    _check_length(rows, len(names), limits, line=line)
        except UnicodeDecodeError:
            bad_line = _line_of_bad_byte(path)
            raise _file_error(
                f"line {bad_line}: the file is not valid UTF-8 text; save it as UTF-8 CSV",
                line=bad_line,
            ) from None
        except csv.Error as exc:
            # Name the line the bad row starts on: an unclosed quote runs on to the end of file.
            if "field larger than field limit" in str(exc):
                raise _file_error(
                    f"line {done + 1}: a cell is longer than the limit of "
                    f"{limits.max_cell_chars} characters (UPLOAD_MAX_CELL_CHARS)",
                    line=done + 1,
                ) from None
            raise _file_error(f"line {done + 1}: {exc}", line=done + 1) from None
    if rows == 0:
        raise _file_error("the CSV has a header but no rows", line=header_line + 1)
    return rows


def _line_of_bad_byte(path: Path) -> int:
    """The 1-based line holding the first byte that is not valid UTF-8."""
    line = 1
    with open(path, "rb") as handle:
        carry = b""
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            data = carry + chunk
            try:
                data.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as exc:
                if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                    carry = data[exc.start :]
                    line += data[: exc.start].count(b"\n")
                    continue
                return line + data[: exc.start].count(b"\n")
            line += data.count(b"\n")
    return line


def _read_csv(path: Path, suffix: str, limits: UploadLimits) -> pd.DataFrame:
    delimiter = "\t" if suffix == ".tsv" else ","
    _check_csv_structure(path, delimiter, limits)
    try:
        frame = pd.read_csv(path, sep=delimiter, encoding="utf-8-sig", skip_blank_lines=True)
    except (ValueError, pd.errors.ParserError) as exc:
        raise _file_error(f"could not read the CSV: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _check_parquet_metadata(parquet: pq.ParquetFile, limits: UploadLimits) -> None:
    """Refuse a Parquet file from its footer alone: columns, duplicate names, rows, cells."""
    names = [str(name) for name in parquet.schema_arrow.names]
    _check_width(len(names), limits)
    duplicate = _first_duplicate(names)
    if duplicate is not None:
        raise _file_error(f"duplicate column name '{duplicate}'", column=duplicate)
    metadata = parquet.metadata
    rows = metadata.num_rows
    grouped = sum(metadata.row_group(i).num_rows for i in range(metadata.num_row_groups))
    if grouped != rows:
        raise _file_error(
            f"not a readable Parquet file: its footer says {rows} rows but its row groups "
            f"hold {grouped}"
        )
    if rows > limits.max_rows or rows * len(names) > limits.max_cells:
        raise _file_error(
            f"the Parquet file holds {rows} rows x {len(names)} columns (from its metadata), "
            f"more than the limits of {limits.max_rows} rows (UPLOAD_MAX_ROWS) and "
            f"{limits.max_cells} cells (UPLOAD_MAX_CELLS); upload a sample or split the file"
        )


def _check_parquet_batch(batch: pa.RecordBatch, limits: UploadLimits) -> None:
    """Refuse a decoded batch with a cell longer than the limit, naming the column."""
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            longest = pc.max(pc.utf8_length(column)).as_py()
        elif pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            longest = pc.max(pc.binary_length(column)).as_py()
        else:
            continue
        if longest is not None and longest > limits.max_cell_chars:
            raise _file_error(
                f"column '{name}' has a cell of {longest} characters, more than the limit of "
                f"{limits.max_cell_chars} (UPLOAD_MAX_CELL_CHARS)",
                column=str(name),
            )


def _read_parquet(path: Path, limits: UploadLimits) -> pd.DataFrame:
    try:
        # ParquetFile, not read_table: the dataset API refuses duplicate column names with an
        # obscure message, and they are reported clearly below.
        parquet = pq.ParquetFile(path)
        _check_parquet_metadata(parquet, limits)
        batches, decoded, rows = [], 0, 0
        # Decoded a batch at a time, so that a file whose pages expand far beyond its size (a
        # long run of one value, a dictionary of long strings) is stopped as it grows.
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            _check_parquet_batch(batch, limits)
            decoded += batch.nbytes
            rows += batch.num_rows
            if decoded > limits.max_decoded_bytes:
                raise _file_error(
                    f"the Parquet file decodes into more than {limits.max_decoded_bytes} bytes, "
                    "the limit (UPLOAD_MAX_DECODED_BYTES)"
                )
            _check_length(rows, batch.num_columns, limits)
            batches.append(batch)
        table = pa.Table.from_batches(batches, schema=parquet.schema_arrow)
    except (pa.ArrowException, OSError) as exc:
        raise _file_error(f"not a readable Parquet file: {exc}") from None
    if table.num_rows == 0:
        raise _file_error("the Parquet file has no rows")
    frame = table.to_pandas()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def read_upload(path: Path, filename: str, limits: UploadLimits | None = None) -> ParsedFile:
    """Read the upload at `path` (named `filename` by the client) as a table within `limits`."""
    limits = limits or UploadLimits()
    suffix = Path(filename).suffix.lower()
    size = path.stat().st_size
    if size == 0:
        raise _file_error("file is empty")
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(PARQUET_MAGIC):
        return ParsedFile(_read_parquet(path, limits), "parquet")
    if suffix in PARQUET_SUFFIXES:
        raise _file_error(f"'{filename}' is named like Parquet but is not a Parquet file")
    if suffix not in CSV_SUFFIXES or b"\x00" in head:
        raise UnsupportedFormatError(
            f"'{filename}' is neither CSV nor Parquet; upload a .csv or .parquet file",
            field="file",
        )
    return ParsedFile(_read_csv(path, suffix, limits), "csv")
