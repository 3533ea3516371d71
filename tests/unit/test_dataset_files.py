"""Reading uploads defensively: CSV and Parquet in, clear errors naming the line otherwise.

Pure file handling on tmp_path; no database.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from backend.errors import UnsupportedFormatError, UserError
from backend.pipelines.datasets.files import _line_of_bad_byte, read_upload

MIB = 1024 * 1024


def write(tmp_path: Path, content: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def refused(tmp_path: Path, content: bytes, filename: str = "data.csv") -> UserError:
    """The error read_upload raises for `content` uploaded as `filename`."""
    with pytest.raises(UserError) as caught:
        read_upload(write(tmp_path, content), filename)
    assert caught.value.place["field"] == "file"
    assert caught.value.message
    return caught.value


# ---------------------------------------------------------------------------------------- CSV


def test_csv_is_read_with_types(tmp_path: Path) -> None:
    parsed = read_upload(write(tmp_path, b"a,b,c\n1,2.5,x\n3,,y\n"), "data.csv")
    assert parsed.format == "csv"
    assert list(parsed.frame.columns) == ["a", "b", "c"]
    assert parsed.frame["a"].tolist() == [1, 3]
    assert parsed.frame["b"].isna().tolist() == [False, True]
    assert parsed.frame["c"].tolist() == ["x", "y"]


def test_the_stored_name_does_not_matter_only_the_client_filename(tmp_path: Path) -> None:
    parsed = read_upload(write(tmp_path, b"a\n1\n", name="tmpXYZ.upload"), "Data.CSV")
    assert parsed.format == "csv"


def test_tsv_uses_tabs(tmp_path: Path) -> None:
    parsed = read_upload(write(tmp_path, b"a\tb\n1\tx,y\n"), "data.tsv")
    assert parsed.frame.to_dict("list") == {"a": [1], "b": ["x,y"]}


def test_bom_is_accepted(tmp_path: Path) -> None:
    content = "\ufeffname,score\nAda,1\n".encode()
    parsed = read_upload(write(tmp_path, content), "data.csv")
    assert list(parsed.frame.columns) == ["name", "score"]
    assert parsed.frame["name"].tolist() == ["Ada"]


def test_header_names_are_stripped(tmp_path: Path) -> None:
    parsed = read_upload(write(tmp_path, b" a , b\n1,2\n"), "data.csv")
    assert list(parsed.frame.columns) == ["a", "b"]


@pytest.mark.parametrize(
    "content",
    [
        b"a,b\n\n1,2\n\n\n3,4\n\n",
        b"a,b\r\n\r\n1,2\r\n3,4",
        b"\n\na,b\n1,2\n3,4\n",
    ],
    ids=["between-and-after", "crlf-no-final-newline", "before-the-header"],
)
def test_blank_lines_are_skipped(tmp_path: Path, content: bytes) -> None:
    parsed = read_upload(write(tmp_path, content), "data.csv")
    assert parsed.frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_quoted_fields_may_hold_commas_and_newlines(tmp_path: Path) -> None:
    content = b'a,b\n1,"two, with\na newline"\n3,x\n'
    parsed = read_upload(write(tmp_path, content), "data.csv")
    assert parsed.frame["b"].tolist() == ["two, with\na newline", "x"]


RAGGED = [
    # (id, content, line of the bad row, fields found)
    ("narrower", b"a,b,c\n1,2,3\n4,5\n", 3, 2),
    ("wider", b"a,b\n1,2\n3,4\n5,6,7\n", 4, 3),
    ("first-row", b"a,b\n1\n", 2, 1),
    ("after-blank-lines", b"a,b\n1,2\n\n\n3\n", 5, 1),
    ("after-a-multiline-cell", b'a,b\n1,"x\ny\nz"\n2,3,4\n', 5, 3),
    ("crlf", b"a,b\r\n1,2\r\n3,4,5\r\n", 3, 3),
    ("trailing-comma", b"a,b\n1,2,\n", 2, 3),
]


@pytest.mark.parametrize(
    ("content", "line", "found"), [c[1:] for c in RAGGED], ids=[c[0] for c in RAGGED]
)
def test_ragged_rows_name_their_line(tmp_path: Path, content: bytes, line: int, found: int) -> None:
    error = refused(tmp_path, content)
    assert error.status == 400
    assert error.place["line"] == line
    assert error.message.startswith(f"line {line}:")
    assert f"found {found}" in error.message


@pytest.mark.parametrize(
    ("content", "column"),
    [(b"a,b,a\n1,2,3\n", "a"), (b"x, y,y \n1,2,3\n", "y")],
)
def test_duplicate_header_names_are_refused(tmp_path: Path, content: bytes, column: str) -> None:
    error = refused(tmp_path, content)
    assert (error.place["line"], error.place["column"]) == (1, column)
    assert f"'{column}'" in error.message


def test_a_header_column_without_a_name_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, b"a,,c\n1,2,3\n")
    assert error.place["line"] == 1
    assert "column 2" in error.message


@pytest.mark.parametrize(
    ("content", "line"),
    [(b"", None), (b"\n\n\n", 1), ("\ufeff".encode(), 1), (b"a,b\n", 2), (b"a,b\n\n\n", 2)],
    ids=["zero-bytes", "only-blank-lines", "only-a-bom", "header-only", "header-and-blanks"],
)
def test_files_without_rows_are_refused(tmp_path: Path, content: bytes, line: int | None) -> None:
    error = refused(tmp_path, content)
    assert error.status == 400
    assert error.place.get("line") == line


@pytest.mark.parametrize(
    "content",
    [b'a,b\n1,2\n3,"four\n5,6\n7,8\n', b'a,b\n\n1,2\n3,"four\n5,6\n'],
    ids=["plain", "after-a-blank-line"],
)
def test_an_unclosed_quote_names_the_line_it_opens_on(tmp_path: Path, content: bytes) -> None:
    """Not the end of the file, where the reader runs out of data looking for the close."""
    error = refused(tmp_path, content)
    line = content[: content.index(b'"')].count(b"\n") + 1
    assert error.place["line"] == line
    assert error.message.startswith(f"line {line}:")


def test_a_stray_quote_inside_a_field_names_its_line(tmp_path: Path) -> None:
    error = refused(tmp_path, b'a,b\n1,2\n3,"x"y\n5,6\n')
    assert error.place["line"] == 3


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("a,b\n1,x\ncaf\u00e9,2\n".encode("latin-1"), 3),
        ("caf\u00e9,b\n1,2\n".encode("latin-1"), 1),
        (b"a,b\r\n1,2\r\n3,4\r\n\xff,5\r\n", 4),
        ("a,b\n\u00e9t\u00e9,1\nx,\u20ac\n".encode() + b"y,\xc3\n", 4),
    ],
    ids=["latin-1-line-3", "latin-1-header", "crlf-0xff", "after-valid-multibyte"],
)
def test_undecodable_bytes_name_their_line(tmp_path: Path, content: bytes, line: int) -> None:
    error = refused(tmp_path, content)
    assert error.place["line"] == line
    assert error.message.startswith(f"line {line}:")
    assert "UTF-8" in error.message


# ------------------------------------------------------------------- _line_of_bad_byte at 1 MiB


def _padding_lines(size: int) -> bytes:
    """`size` bytes of ASCII CSV lines ('1,2\\n' repeated, topped up with 'x')."""
    lines = b"1,2\n" * (size // 4)
    return lines + b"x" * (size - len(lines))


SPLITS = [
    (char, before)
    for char in ["\u00e9", "\u20ac", "\U0001f600"]
    for before in range(1, len(char.encode()))
]


@pytest.mark.parametrize(
    ("char", "before"),
    SPLITS,
    ids=[f"{len(char.encode())}-byte-char-{before}-before" for char, before in SPLITS],
)
def test_bad_byte_line_across_the_chunk_boundary(tmp_path: Path, char: str, before: int) -> None:
    """A valid multibyte character split by the 1 MiB read is not mistaken for the bad byte."""
    encoded = char.encode()
    # `before` bytes of the character end the first MiB, the rest start the second.
    head = _padding_lines(MIB - before)
    content = head + encoded + b",3\n4,5\n6,\xff\n7,8\n"
    assert content[MIB - before : MIB - before + len(encoded)] == encoded
    expected = content[: content.index(b"\xff")].count(b"\n") + 1
    path = write(tmp_path, content)
    assert _line_of_bad_byte(path) == expected
    error = refused(tmp_path, content)
    assert error.place["line"] == expected


@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 2])
def test_bad_byte_next_to_the_chunk_boundary(tmp_path: Path, offset: int) -> None:
    head = _padding_lines(MIB + offset)
    content = head + b"\xe9,1\n2,3\n"
    expected = head.count(b"\n") + 1
    assert _line_of_bad_byte(write(tmp_path, content)) == expected


def test_a_bad_byte_far_into_a_large_file(tmp_path: Path) -> None:
    head = b"a,b\n" + b"\xc3\xa9,1\n" * 700_000  # 3.5 MiB of valid two-byte characters
    content = head + b"\xe9,2\n"
    assert _line_of_bad_byte(write(tmp_path, content)) == 700_002


def test_a_truncated_character_at_the_end_of_the_file(tmp_path: Path) -> None:
    content = b"a,b\n1,2\n3,\xe2\x82"
    assert _line_of_bad_byte(write(tmp_path, content)) == 3
    assert refused(tmp_path, content).place["line"] == 3


# ------------------------------------------------------------------------------------ Parquet


def _parquet(tmp_path: Path, table: pa.Table, name: str = "table.parquet") -> Path:
    path = tmp_path / name
    pq.write_table(table, path)
    return path


def test_parquet_is_read_whatever_the_name(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "label": ["a", "b"]})
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, index=False)
    for filename in ["t.parquet", "t.pq", "t.csv", "t"]:
        parsed = read_upload(path, filename)
        assert parsed.format == "parquet"
        assert parsed.frame.to_dict("list") == {"x": [1.0, 2.0], "label": ["a", "b"]}


def test_parquet_without_rows_is_refused(tmp_path: Path) -> None:
    path = _parquet(tmp_path, pa.table({"x": pa.array([], pa.int64())}))
    with pytest.raises(UserError) as caught:
        read_upload(path, "t.parquet")
    assert caught.value.place == {"field": "file"}
    assert "no rows" in caught.value.message


def test_parquet_with_duplicate_columns_is_refused(tmp_path: Path) -> None:
    table = pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["x", "x"])
    with pytest.raises(UserError) as caught:
        read_upload(_parquet(tmp_path, table), "t.parquet")
    assert caught.value.place == {"field": "file", "column": "x"}


@pytest.mark.parametrize(
    "content",
    [b"a,b\n1,2\n", b"PAR1 and then nonsense", b"PAR1" + b"\x00" * 100 + b"PAR1"],
    ids=["csv-text", "magic-then-junk", "magic-both-ends"],
)
def test_parquet_name_or_magic_without_a_parquet_file_is_400(
    tmp_path: Path, content: bytes
) -> None:
    error = refused(tmp_path, content, "data.parquet")
    assert error.status == 400
    assert not isinstance(error, UnsupportedFormatError)
    assert "line" not in error.place


# ------------------------------------------------------------------------------ other formats


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.csv"),
        (b"PK\x03\x04\x14\x00\x06\x00", "book.xlsx"),
        (b"a,b\n1,2\n", "data.json"),
        (b"a,b\n1,\x002\n", "data.txt"),
    ],
    ids=["png", "png-named-csv", "xlsx", "json-name", "nul-bytes"],
)
def test_other_formats_are_415(tmp_path: Path, content: bytes, filename: str) -> None:
    with pytest.raises(UnsupportedFormatError) as caught:
        read_upload(write(tmp_path, content), filename)
    assert caught.value.status == 415
    assert caught.value.place == {"field": "file"}
    assert filename in caught.value.message
