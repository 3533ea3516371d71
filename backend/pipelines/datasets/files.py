"""Reading an uploaded file defensively: CSV or Parquet, nothing else, with clear errors.

Every error names the field (``file``) and, for CSV, the line at fault. Nothing here unpickles or
evaluates anything from the file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from backend.errors import UnsupportedFormatError, UserError

PARQUET_MAGIC = b"PAR1"
CSV_SUFFIXES = {".csv", ".tsv", ".txt", ""}
PARQUET_SUFFIXES = {".parquet", ".pq"}
SNIFF_BYTES = 64 * 1024

# The csv module refuses fields over 128 KiB by default; allow long text cells.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class ParsedFile:
    """A table read from an upload."""

    frame: pd.DataFrame
    format: str


def _file_error(message: str, **place: int | str) -> UserError:
    return UserError(message, field="file", **place)


def _check_csv_structure(path: Path, delimiter: str) -> int:
    """Walk the CSV once: valid UTF-8, a usable header, every row as wide as the header.

    Returns the number of data rows. Streaming: memory does not grow with the file.
    """
    done = 0  # the last line read completely; a row that fails to parse starts after it
    rows = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
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
            for index, name in enumerate(names):
                if not name:
                    raise _file_error(
                        f"line {header_line}: column {index + 1} of the header has no name",
                        line=header_line,
                    )
            duplicates = sorted({name for name in names if names.count(name) > 1})
            if duplicates:
                raise _file_error(
                    f"line {header_line}: duplicate column name '{duplicates[0]}'",
                    line=header_line,
                    column=duplicates[0],
                )
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
        except UnicodeDecodeError:
            bad_line = _line_of_bad_byte(path)
            raise _file_error(
                f"line {bad_line}: the file is not valid UTF-8 text; save it as UTF-8 CSV",
                line=bad_line,
            ) from None
        except csv.Error as exc:
            # Name the line the bad row starts on: an unclosed quote runs on to the end of file.
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


def _read_csv(path: Path, suffix: str) -> pd.DataFrame:
    delimiter = "\t" if suffix == ".tsv" else ","
    _check_csv_structure(path, delimiter)
    try:
        frame = pd.read_csv(path, sep=delimiter, encoding="utf-8-sig", skip_blank_lines=True)
    except (ValueError, pd.errors.ParserError) as exc:
        raise _file_error(f"could not read the CSV: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        # ParquetFile, not read_table: the dataset API refuses duplicate column names with an
        # obscure message, and they are reported clearly below.
        table = pq.ParquetFile(path).read()
    except (pa.ArrowException, OSError) as exc:
        raise _file_error(f"not a readable Parquet file: {exc}") from None
    if table.num_rows == 0:
        raise _file_error("the Parquet file has no rows")
    frame = table.to_pandas()
    frame.columns = [str(c) for c in frame.columns]
    duplicates = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if duplicates:
        raise _file_error(f"duplicate column name '{duplicates[0]}'", column=duplicates[0])
    return frame


def read_upload(path: Path, filename: str) -> ParsedFile:
    """Read the upload at `path` (named `filename` by the client) as a table."""
    suffix = Path(filename).suffix.lower()
    size = path.stat().st_size
    if size == 0:
        raise _file_error("file is empty")
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(PARQUET_MAGIC):
        return ParsedFile(_read_parquet(path), "parquet")
    if suffix in PARQUET_SUFFIXES:
        raise _file_error(f"'{filename}' is named like Parquet but is not a Parquet file")
    if suffix not in CSV_SUFFIXES or b"\x00" in head:
        raise UnsupportedFormatError(
            f"'{filename}' is neither CSV nor Parquet; upload a .csv or .parquet file",
            field="file",
        )
    return ParsedFile(_read_csv(path, suffix), "csv")
