"""What an upload may decode into: rows, columns, cells, the length of a line and of a cell,
each refused while the file is read (a Parquet file from its metadata, before its rows are
decoded), with a JSON error naming the limit; and nothing is left behind by a refused upload,
a long file name, or a failure after the file was stored.
"""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError

from backend.asgi import application
from backend.errors import UserError
from backend.pipelines.datasets import services
from backend.pipelines.datasets.files import UploadLimits, read_upload
from backend.pipelines.models import Dataset
from tests.conftest import Team

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real PBKDF2 is for tests/api/test_auth.py; here it would only make the team slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def upload(team: Team, filename: str, content: bytes) -> Any:
    """POST a multipart upload of `content` named `filename` as the editor."""
    data = {"file": SimpleUploadedFile(filename, content, content_type="application/octet-stream")}
    return team.client("editor").post(team.url("datasets/"), data, format="multipart")


def stored_files() -> list[Path]:
    """Every file in the artifact store."""
    root = Path(django_settings.ARTIFACT_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def refused(response: Any, *words: str) -> dict[str, Any]:
    """A 400 naming the file, whose message has every one of `words`; nothing stored."""
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["field"] == "file"
    for word in words:
        assert word in body["message"], body["message"]
    assert not Dataset.objects.exists()
    assert stored_files() == []
    return body


def parquet_bytes(table: pa.Table, **options: Any) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **options)
    return buffer.getvalue()


def csv_rows(count: int, columns: int = 3) -> bytes:
    header = ",".join(f"c{i}" for i in range(columns))
    row = ",".join(["1"] * columns) + "\n"
    return (header + "\n" + row * count).encode()


# ------------------------------------------------------------------------------ rows and cells


def test_csv_rows_over_the_limit_are_refused_at_the_first_row_too_many(
    team: Team, settings: Any
) -> None:
    settings.UPLOAD_MAX_ROWS = 100
    assert upload(team, "ok.csv", csv_rows(100)).status_code == 201
    Dataset.objects.all().delete()
    for path in stored_files():
        path.unlink()
    body = refused(upload(team, "big.csv", csv_rows(101)), "100 rows", "UPLOAD_MAX_ROWS")
    assert body["line"] == 102  # the header is line 1


def test_csv_cells_over_the_limit_are_refused(team: Team, settings: Any) -> None:
    settings.UPLOAD_MAX_CELLS = 250
    refused(upload(team, "wide.csv", csv_rows(84, columns=3)), "250 cells", "UPLOAD_MAX_CELLS")


def test_csv_columns_over_the_limit_are_refused_from_the_header(team: Team) -> None:
    # The file: 100,000 columns in 0.7 MB (the default limit is 10,000).
    header = ",".join(f"c{i}" for i in range(100_000))
    body = refused(
        upload(team, "wide.csv", f"{header}\n{','.join('1' * 100_000)}\n".encode()),
        "100000 columns",
        "UPLOAD_MAX_COLUMNS",
    )
    assert body["line"] == 1


@pytest.mark.timeout(60)  # only catches the quadratic check this replaced (minutes)
def test_duplicate_header_check_is_linear_in_the_columns(tmp_path: Path) -> None:
    names = [f"c{i}" for i in range(100_000)] + ["c5"]
    path = tmp_path / "dup.csv"
    path.write_text(",".join(names) + "\n" + ",".join("1" * len(names)) + "\n")
    with pytest.raises(UserError) as caught:
        read_upload(path, "dup.csv", UploadLimits(max_columns=200_000))
    assert caught.value.place["column"] == "c5"


def test_a_parquet_file_of_50_million_rows_is_refused_from_its_metadata(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = parquet_bytes(pa.table({"v": np.zeros(50_000_000, dtype=np.int8)}))
    assert len(content) < 1 * MB  # the file was 213 KB
    path = tmp_path / "rows.parquet"
    path.write_bytes(content)

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("rows were decoded before the metadata was checked")

    with monkeypatch.context() as patched:
        patched.setattr(pq.ParquetFile, "iter_batches", never)
        patched.setattr(pq.ParquetFile, "read", never)
        with pytest.raises(UserError) as caught:
            read_upload(path, "rows.parquet", UploadLimits())
    assert "50000000 rows" in caught.value.message
    refused(upload(team, "rows.parquet", content), "50000000 rows", "UPLOAD_MAX_ROWS")


def test_parquet_cells_over_the_limit_are_refused(team: Team, settings: Any) -> None:
    settings.UPLOAD_MAX_CELLS = 1000
    table = pa.table({f"c{i}": list(range(200)) for i in range(6)})
    refused(upload(team, "t.parquet", parquet_bytes(table)), "200 rows x 6 columns")


def test_parquet_columns_over_the_limit_are_refused(team: Team, settings: Any) -> None:
    settings.UPLOAD_MAX_COLUMNS = 5
    table = pa.table({f"c{i}": [1] for i in range(6)})
    refused(upload(team, "t.parquet", parquet_bytes(table)), "6 columns", "UPLOAD_MAX_COLUMNS")


def test_parquet_that_decodes_far_beyond_its_size_is_stopped_while_decoding(
    team: Team, settings: Any
) -> None:
    # One 1000-character string repeated: a dictionary of one entry on disk, 100 MB decoded.
    settings.UPLOAD_MAX_DECODED_BYTES = 10 * MB
    table = pa.table({"text": pa.array(["x" * 1000] * 100_000)})
    content = parquet_bytes(table)
    assert len(content) < MB
    refused(upload(team, "text.parquet", content), "UPLOAD_MAX_DECODED_BYTES")


def test_parquet_cell_over_the_limit_is_refused_naming_its_column(
    team: Team, settings: Any
) -> None:
    settings.UPLOAD_MAX_CELL_CHARS = 1000
    table = pa.table({"id": [1, 2], "note": ["short", "y" * 1001]})
    body = refused(upload(team, "t.parquet", parquet_bytes(table)), "1001 characters")
    assert body["column"] == "note"


# ------------------------------------------------------------------------ lines and cells, CSV


def test_csv_line_over_the_limit_is_refused_while_streaming(team: Team, settings: Any) -> None:
    settings.UPLOAD_MAX_LINE_CHARS = 1000
    content = b"a,b\n1,2\n3," + b"9" * 2000 + b"\n5,6\n"
    body = refused(upload(team, "long.csv", content), "line 3", "UPLOAD_MAX_LINE_CHARS")
    assert body["line"] == 3


def test_a_50_mb_line_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "line.csv"
    with open(path, "wb") as handle:
        handle.write(b"a,b\n1,")
        for _ in range(50):
            handle.write(b"7" * MB)
        handle.write(b"\n")
    limits = UploadLimits(max_line_chars=MB)
    tracemalloc.start()
    try:
        with pytest.raises(UserError) as caught:
            read_upload(path, "line.csv", limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.place["line"] == 2
    # The whole line would be 50 MB as bytes and more as text: only the limit's worth is read.
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"


def test_csv_cell_over_the_limit_is_refused(team: Team, settings: Any) -> None:
    settings.UPLOAD_MAX_CELL_CHARS = 1000
    # A quoted cell spread over many short lines: the line limit alone would not stop it.
    cell = "\n".join(["z" * 50] * 40)
    content = f'a,b\n1,"{cell}"\n'.encode()
    body = refused(upload(team, "cell.csv", content), "a cell is longer", "UPLOAD_MAX_CELL_CHARS")
    assert body["line"] == 2


# ---------------------------------------------------------------------- names and orphan files


def test_a_file_name_over_200_characters_is_shortened_not_a_server_error(team: Team) -> None:
    filename = "q" * 296 + ".csv"
    response = upload(team, filename, b"a,b\n1,2\n")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["original_filename"]) <= 255
    assert body["original_filename"].endswith(".csv")
    assert body["name"] == "q" * 200
    assert len(stored_files()) == 1


def test_control_characters_in_a_file_name_are_dropped(team: Team) -> None:
    response = upload(team, "da\x00ta\x07.csv", b"a,b\n1,2\n")
    assert response.status_code == 201, response.json()
    assert response.json()["original_filename"] == "data.csv"
    assert response.json()["name"] == "data"


def test_a_failure_after_the_file_is_stored_removes_it(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**fields: Any) -> Dataset:
        raise DatabaseError("the database went away")

    monkeypatch.setattr(Dataset.objects, "create", refuse)
    with pytest.raises(DatabaseError):
        services.dataset_create(
            workspace=team.workspace,
            user=team.editor,
            upload=SimpleUploadedFile("a.csv", b"a,b\n1,2\n"),
        )
    assert stored_files() == []


# -------------------------------------------------------------------- other request bodies


def test_a_json_body_over_the_request_limit_is_refused_from_its_length(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1000
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/auth/token/",
        "raw_path": b"/api/v1/auth/token/",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", b"5000"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    communicator = ApplicationCommunicator(application, scope)
    # No body is sent at all: the answer comes from the headers.
    start, content = response_of(communicator)
    assert start["status"] == 413
    body = json.loads(content["body"])
    assert body["code"] == "too_large"
    assert "REQUEST_MAX_BYTES" in body["message"]


def response_of(communicator: ApplicationCommunicator) -> list[dict[str, Any]]:
    """The response start and body messages the application sends, once it has finished."""

    async def collect() -> list[dict[str, Any]]:
        first = await communicator.receive_output(timeout=30)
        second = await communicator.receive_output(timeout=30)
        await communicator.wait(timeout=30)
        return [first, second]

    return async_to_sync(collect)()
