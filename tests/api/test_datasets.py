"""Dataset uploads: CSV and Parquet in, schema and preview out, bad files refused cleanly.

A refused upload must leave nothing behind: no Dataset row and no file in the artifact store
(settings.ARTIFACT_ROOT is a fresh folder per test, see tests/conftest.py).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.api.uploads import LimitedTemporaryFileUploadHandler
from backend.pipelines.models import Dataset
from backend.workspaces.models import Workspace
from tests.conftest import Team

CSV = b"age,income,city,churned\n34,52000.5,Oslo,0\n41,61000.0,Bergen,1\n29,38000.25,Oslo,0\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real PBKDF2 is for tests/api/test_auth.py; here it would only be slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def upload(team: Team, filename: str, content: bytes, who: str = "editor", **extra: Any) -> Any:
    """POST a multipart upload of `content` named `filename` (plus other form fields)."""
    data = {"file": SimpleUploadedFile(filename, content, content_type="application/octet-stream")}
    data.update(extra)
    return team.client(who).post(team.url("datasets/"), data, format="multipart")


def stored_files() -> list[Path]:
    """Every file in the artifact store (empty folders do not count)."""
    root = Path(django_settings.ARTIFACT_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def test_csv_upload_gives_schema_and_row_count(team: Team) -> None:
    response = upload(team, "customers.csv", CSV)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "customers"
    assert body["original_filename"] == "customers.csv"
    assert body["format"] == "csv"
    assert body["row_count"] == 3
    assert body["size_bytes"] == len(CSV)
    assert body["created_by"] == "editor"
    assert [(c["name"], c["dtype"]) for c in body["schema"]] == [
        ("age", "int64"),
        ("income", "float64"),
        ("city", "string"),
        ("churned", "int64"),
    ]
    dataset = Dataset.objects.get(pk=body["id"])
    assert dataset.workspace == team.workspace
    # One normalised Parquet copy in the store, under its digest.
    assert [p.name for p in stored_files()] == [dataset.storage_key]


def test_upload_takes_a_display_name(team: Team) -> None:
    response = upload(team, "customers.csv", CSV, name="  Customers 2024 ")
    assert response.status_code == 201
    assert response.json()["name"] == "Customers 2024"


def test_preview_returns_the_first_rows(team: Team) -> None:
    dataset_id = upload(team, "customers.csv", CSV).json()["id"]
    client = team.client("viewer")
    response = client.get(team.url(f"datasets/{dataset_id}/preview/"))
    assert response.status_code == 200
    body = response.json()
    assert body["columns"] == ["age", "income", "city", "churned"]
    assert body["rows"] == [
        [34, 52000.5, "Oslo", 0],
        [41, 61000.0, "Bergen", 1],
        [29, 38000.25, "Oslo", 0],
    ]
    assert body["row_count"] == 3
    assert [c["name"] for c in body["schema"]] == body["columns"]
    limited = client.get(team.url(f"datasets/{dataset_id}/preview/?limit=1")).json()
    assert limited["rows"] == [[34, 52000.5, "Oslo", 0]]


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "ten"])
def test_preview_refuses_a_bad_limit(team: Team, limit: str) -> None:
    dataset_id = upload(team, "customers.csv", CSV).json()["id"]
    response = team.client("viewer").get(team.url(f"datasets/{dataset_id}/preview/?limit={limit}"))
    assert response.status_code == 400
    assert response.json()["field"] == "limit"
    assert response.json()["message"]


def test_same_bytes_again_is_the_same_dataset(team: Team) -> None:
    first = upload(team, "customers.csv", CSV)
    assert first.status_code == 201
    files = stored_files()
    again = upload(team, "renamed-copy.csv", CSV, who="owner")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["name"] == "customers"
    assert Dataset.objects.count() == 1
    assert stored_files() == files


def test_same_bytes_in_another_workspace_is_another_dataset(team: Team) -> None:
    first = upload(team, "customers.csv", CSV).json()
    other = Workspace.objects.get(name="Elsewhere")
    response = team.client("outsider").post(
        f"/api/v1/workspaces/{other.slug}/datasets/",
        {"file": SimpleUploadedFile("customers.csv", CSV)},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["id"] != first["id"]
    assert Dataset.objects.filter(workspace=other).count() == 1
    # The other team does not see this team's dataset.
    listed = team.client("outsider").get(f"/api/v1/workspaces/{other.slug}/datasets/").json()
    assert [d["id"] for d in listed["results"]] == [response.json()["id"]]


def test_parquet_upload(team: Team) -> None:
    frame = pd.DataFrame(
        {
            "x": [1.5, 2.5, None],
            "n": pd.array([1, 2, 3], dtype="int64"),
            "label": ["a", "b", "c"],
            "flag": [True, False, True],
        }
    )
    response = upload(team, "table.parquet", parquet_bytes(frame))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["format"] == "parquet"
    assert body["row_count"] == 3
    assert [(c["name"], c["dtype"]) for c in body["schema"]] == [
        ("x", "float64"),
        ("n", "int64"),
        ("label", "string"),
        ("flag", "bool"),
    ]
    assert body["schema"][0]["nulls"] == 1
    preview = team.client("viewer").get(team.url(f"datasets/{body['id']}/preview/")).json()
    assert preview["rows"] == [[1.5, 1, "a", True], [2.5, 2, "b", False], [None, 3, "c", True]]


def test_list_is_paginated_newest_first(team: Team) -> None:
    ids = [upload(team, f"d{n}.csv", f"a\n{n}\n".encode()).json()["id"] for n in range(3)]
    page = team.client("viewer").get(team.url("datasets/?page_size=2")).json()
    assert page["count"] == 3
    assert [d["id"] for d in page["results"]] == ids[::-1][:2]
    assert page["previous"] is None and page["next"]


def test_rename_and_delete(team: Team) -> None:
    dataset_id = upload(team, "customers.csv", CSV).json()["id"]
    client = team.client("editor")
    renamed = client.patch(team.url(f"datasets/{dataset_id}/"), {"name": "Clients"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Clients"
    blank = client.patch(team.url(f"datasets/{dataset_id}/"), {"name": " "}, format="json")
    assert blank.status_code == 400
    assert blank.json()["field"] == "name"
    assert Dataset.objects.get(pk=dataset_id).name == "Clients"
    assert client.delete(team.url(f"datasets/{dataset_id}/")).status_code == 204
    assert not Dataset.objects.exists()
    missing = client.get(team.url(f"datasets/{dataset_id}/"))
    assert missing.status_code == 404
    assert missing.json()["field"] == "dataset"


# ----------------------------------------------------------------------------------- bad uploads

BAD_UPLOADS = [
    # (id, filename, content, status, line)
    ("png", "x.png", PNG, 415, None),
    ("png-named-csv", "x.csv", PNG, 415, None),
    ("xlsx", "report.xlsx", b"PK\x03\x04 not really a workbook", 415, None),
    ("ragged-narrow", "x.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8\n", 400, 3),
    ("ragged-wide", "x.csv", b"a,b\n1,2\n3,4\n5,6,7\n", 400, 4),
    ("latin-1", "x.csv", "a,b\n1,x\ncaf\u00e9,2\n".encode("latin-1"), 400, 3),
    ("empty", "x.csv", b"", 400, None),
    ("header-only", "x.csv", b"a,b,c\n", 400, 2),
    ("duplicate-header", "x.csv", b"a,b,a\n1,2,3\n", 400, 1),
    ("blank-header-name", "x.csv", b"a,,c\n1,2,3\n", 400, 1),
    ("unclosed-quote", "x.csv", b'a,b\n1,2\n3,"four\n', 400, 3),
    ("parquet-named-not-parquet", "x.parquet", b"a,b\n1,2\n", 400, None),
    ("truncated-parquet", "x.parquet", None, 400, None),
]


@pytest.mark.parametrize(
    ("filename", "content", "status", "line"),
    [case[1:] for case in BAD_UPLOADS],
    ids=[case[0] for case in BAD_UPLOADS],
)
def test_bad_upload_is_refused_and_leaves_nothing(
    team: Team, filename: str, content: bytes | None, status: int, line: int | None
) -> None:
    if content is None:  # a real Parquet file cut short: magic bytes, broken body
        content = parquet_bytes(pd.DataFrame({"a": range(100)}))[:200]
    response = upload(team, filename, content)
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["message"]
    assert body["field"] == "file"
    assert body.get("line") == line
    assert not Dataset.objects.exists()
    assert stored_files() == []


def test_upload_without_a_file_names_the_field(team: Team) -> None:
    response = team.client("editor").post(team.url("datasets/"), {"name": "x"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["field"] == "file"
    assert not Dataset.objects.exists()


def test_upload_as_json_is_415(team: Team) -> None:
    response = team.client("editor").post(team.url("datasets/"), {"file": "a,b"}, format="json")
    assert response.status_code == 415
    assert response.json()["message"]
    assert not Dataset.objects.exists()


def test_over_the_limit_is_413_and_leaves_nothing(team: Team, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    content = b"a,b\n" + b"1,2\n" * 1249  # 5000 bytes of valid CSV
    assert len(content) == 5000
    response = upload(team, "big.csv", content)
    assert response.status_code == 413, response.json()
    body = response.json()
    assert body["field"] == "file"
    assert "1000 bytes" in body["message"]
    assert not Dataset.objects.exists()
    assert stored_files() == []


def test_at_the_limit_is_accepted(team: Team, settings: Any) -> None:
    content = b"a,b\n" + b"1,2\n" * 249
    settings.UPLOAD_MAX_BYTES = len(content)
    assert upload(team, "ok.csv", content).status_code == 201


def test_far_over_the_limit_is_refused_from_content_length_unread(
    team: Team, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    read: list[int] = []
    original = LimitedTemporaryFileUploadHandler.receive_data_chunk

    def spy(self: LimitedTemporaryFileUploadHandler, raw_data: bytes, start: int) -> Any:
        read.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(LimitedTemporaryFileUploadHandler, "receive_data_chunk", spy)
    content = b"a,b\n" + b"1,2\n" * 100_000  # 400 KB against a 1000-byte limit
    response = upload(team, "huge.csv", content)
    assert response.status_code == 413, response.json()
    assert response.json()["field"] == "file"
    assert read == []  # refused before a byte of the file was taken in
    assert not Dataset.objects.exists()
    assert stored_files() == []
