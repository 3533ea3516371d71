"""The artifact store: a local folder, a file:// URL and a non-local fsspec filesystem (memory://,
which takes the same code path as s3://), from single objects up to a whole run."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pytest
from django.conf import LazySettings

from backend.engine import executor
from backend.engine.artifacts import ArtifactStore, default_store
from backend.engine.celery import app
from backend.engine.values_io import load_value, store_value
from backend.pipelines.models import Artifact, Run
from tests.conftest import Team
from tests.factories import PipelineFactory
from tests.graphs import edge, node

DATA = b"the same bytes, stored once"
DIGEST = hashlib.sha256(DATA).hexdigest()
NOT_DIGESTS = [
    "",
    "abc",
    "../../etc/passwd",
    DIGEST.upper(),
    DIGEST[:-1] + "g",
    DIGEST + "0",
    "../" + DIGEST[3:],
    DIGEST[:2] + "/" + DIGEST[3:],
    " " + DIGEST[1:],
]


@pytest.fixture
def memory_url() -> Iterator[str]:
    """A fresh memory:// store root, removed afterwards (the memory filesystem is global)."""
    url = f"memory://tributary-{uuid.uuid4().hex}"
    yield url
    fs, root = fsspec.core.url_to_fs(url)
    if fs.exists(root):
        fs.rm(root, recursive=True)


@pytest.fixture(params=["path", "file_url", "memory_url"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store's root as a plain folder, a file:// URL, or a memory:// URL."""
    if request.param == "path":
        return str(tmp_path / "store")
    if request.param == "file_url":
        return (tmp_path / "store").as_uri()
    return request.getfixturevalue("memory_url")


def stored_objects(store: ArtifactStore) -> list[str]:
    """Every object under the store's root, temporary files included."""
    if not store.fs.exists(store.root):
        return []
    return sorted(store.fs.find(store.root, withdirs=False))


def test_put_bytes_then_read_back(store_url: str) -> None:
    store = ArtifactStore(store_url)
    assert not store.exists(DIGEST)

    assert store.put_bytes(DATA) == (DIGEST, len(DATA))

    assert store.exists(DIGEST)
    assert store.size(DIGEST) == len(DATA)
    with store.open(DIGEST) as handle:
        assert handle.read() == DATA
        handle.seek(4)
        assert handle.read(4) == DATA[4:8]
    assert stored_objects(store) == [store.key(DIGEST)]


def test_same_content_is_stored_once(store_url: str, tmp_path: Path) -> None:
    store = ArtifactStore(store_url)
    source = tmp_path / "source.bin"
    source.write_bytes(DATA)

    first = store.put_bytes(DATA)
    second = store.put_file(source)
    third = store.put_bytes(DATA)

    assert first == second == third == (DIGEST, len(DATA))
    assert stored_objects(store) == [store.key(DIGEST)]
    other = store.put_bytes(b"other bytes")
    assert other[0] != DIGEST and len(stored_objects(store)) == 2


def test_objects_live_under_the_root_by_digest_prefix(store_url: str) -> None:
    store = ArtifactStore(store_url)
    store.put_bytes(DATA)

    key = store.key(DIGEST)
    assert key == f"{store.root}/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}"
    assert store.root and key.startswith(store.root + "/")
    if store.local_root is not None:
        assert store.path(DIGEST).resolve().is_relative_to(store.local_root.resolve())
        assert store.path(DIGEST).read_bytes() == DATA


@pytest.mark.parametrize("bad", NOT_DIGESTS)
def test_anything_but_a_digest_is_refused(store_url: str, bad: str) -> None:
    store = ArtifactStore(store_url)
    for method in (store.key, store.exists, store.size, store.open, store.delete):
        with pytest.raises(ValueError, match="not a sha256 digest"):
            method(bad)
    if store.local_root is not None:
        with pytest.raises(ValueError, match="not a sha256 digest"):
            store.path(bad)


def test_delete_removes_the_object_and_tolerates_a_missing_one(store_url: str) -> None:
    store = ArtifactStore(store_url)
    store.put_bytes(DATA)

    store.delete(DIGEST)
    store.delete(DIGEST)

    assert not store.exists(DIGEST)
    with pytest.raises(FileNotFoundError):
        store.open(DIGEST)


def test_a_file_url_and_its_folder_are_the_same_store(tmp_path: Path) -> None:
    by_path = ArtifactStore(tmp_path / "shared")
    by_url = ArtifactStore((tmp_path / "shared").as_uri())

    digest, _ = by_url.put_bytes(DATA)

    assert by_path.exists(digest) and by_path.path(digest) == by_url.path(digest)


def test_two_stores_at_one_url_share_objects(memory_url: str) -> None:
    """What workers on several machines rely on: one writes, another reads."""
    writer, reader = ArtifactStore(memory_url), ArtifactStore(memory_url)
    digest, _ = writer.put_bytes(DATA)
    with reader.open(digest) as handle:
        assert handle.read() == DATA


def test_a_remote_store_has_no_local_path(memory_url: str) -> None:
    store = ArtifactStore(memory_url)
    store.put_bytes(DATA)
    assert store.local_root is None
    with pytest.raises(ValueError, match=r"not a local folder: read objects with open\(\)"):
        store.path(DIGEST)


def test_a_failed_local_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ArtifactStore(tmp_path / "store")
    source = tmp_path / "source.bin"
    source.write_bytes(DATA)

    def half_copy(src: str, dst: str) -> None:
        Path(dst).write_bytes(DATA[:5])
        raise OSError("disk full")

    monkeypatch.setattr("backend.engine.artifacts.shutil.copyfile", half_copy)
    with pytest.raises(OSError, match="disk full"):
        store.put_file(source)

    assert not store.exists(DIGEST)
    assert [p for p in (tmp_path / "store").rglob("*") if p.is_file()] == []


def test_local_objects_are_readable_by_others(tmp_path: Path) -> None:
    """Web and workers may run as different users sharing one folder."""
    store = ArtifactStore(tmp_path / "store")
    store.put_bytes(DATA)
    assert store.path(DIGEST).stat().st_mode & 0o044 == 0o044


def test_default_store_follows_settings(settings: LazySettings, memory_url: str) -> None:
    settings.ARTIFACT_ROOT = memory_url
    settings.ARTIFACT_STORAGE_OPTIONS = {}
    store = default_store()
    assert store.url == memory_url and store.local_root is None
    digest, _ = store.put_bytes(DATA)
    assert ArtifactStore(memory_url).exists(digest)


def test_block_values_round_trip_through_a_remote_store(memory_url: str) -> None:
    from backend.blocks.values import Table

    store = ArtifactStore(memory_url)
    frame = pd.DataFrame({"x": [1.0, 2.5], "label": ["a", "b"]})
    table = store_value(store, "table", Table(frame, target="label"))
    metrics = store_value(store, "metrics", {"accuracy": 0.5})

    loaded = load_value(store, "table", table.digest, table.metadata)
    pd.testing.assert_frame_equal(loaded.frame, frame)
    assert loaded.target == "label"
    assert load_value(store, "metrics", metrics.digest, metrics.metadata) == {"accuracy": 0.5}


# ---- a dataset and a whole run on a URL store --------------------------------------------------

CSV = "a,b,label\n" + "".join(f"{i},{(i * 7) % 11},{'yes' if i % 3 else 'no'}\n" for i in range(40))


@pytest.fixture(params=["file_url", "memory_url"])
def url_store(request: pytest.FixtureRequest, settings: LazySettings, tmp_path: Path) -> str:
    """settings.ARTIFACT_ROOT as a URL for this test."""
    if request.param == "file_url":
        url = (tmp_path / "url-store").as_uri()
    else:
        url = request.getfixturevalue("memory_url")
    settings.ARTIFACT_ROOT = url
    return url


@pytest.fixture
def steps_in_this_process(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Step messages are collected instead of sent to Celery; `drain` executes them here."""
    sent: list[tuple[int, int]] = []

    def send_task(name: str, args: tuple[int, int] = (), **options: Any) -> None:
        assert name == "backend.engine.tasks.execute_step"
        sent.append(tuple(args))

    monkeypatch.setattr(app, "send_task", send_task)
    return sent


def drain(sent: list[tuple[int, int]]) -> None:
    """Execute queued steps (and the ones they make ready) in order, as a worker would."""
    while sent:
        step_id, attempt = sent.pop(0)
        assert executor.execute_step(step_id, attempt) == "succeeded"


def dataset_graph(dataset_id: int) -> dict[str, Any]:
    return {
        "nodes": [
            node("data", "ingest.dataset", dataset=dataset_id, target="label"),
            node("split", "feature.split", test_size=0.25, seed=0),
            node("forest", "train.sklearn", n_estimators=5, seed=0),
            node("evaluate", "evaluate.classification"),
        ],
        "edges": [
            edge("data", "split"),
            edge("split", "forest", source_port="train", target_port="train"),
            edge("forest", "evaluate", source_port="model", target_port="model"),
            edge("split", "evaluate", source_port="test", target_port="test"),
        ],
    }


@pytest.mark.usefixtures("transactional_db")
def test_a_run_stores_and_serves_artifacts_through_a_url_store(
    team: Team, url_store: str, steps_in_this_process: list[tuple[int, int]], tmp_path: Path
) -> None:
    upload = io.BytesIO(CSV.encode())
    upload.name = "rows.csv"
    response = team.client("editor").post(
        team.url("datasets/"), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    dataset = response.json()
    preview = team.client("viewer").get(team.url(f"datasets/{dataset['id']}/preview/?limit=3"))
    assert preview.json()["columns"] == ["a", "b", "label"] and len(preview.json()["rows"]) == 3

    pipeline = PipelineFactory(workspace=team.workspace, graph=dataset_graph(dataset["id"]))
    first = team.client("editor").post(team.url(f"pipelines/{pipeline.pk}/runs/"), {})
    assert first.status_code == 201, first.json()
    drain(steps_in_this_process)

    run = Run.objects.get(pk=first.json()["id"])
    assert run.status == "succeeded", run.error
    store = ArtifactStore(url_store)
    artifacts = Artifact.objects.filter(step__run=run)
    assert {a.kind for a in artifacts} == {"table", "model", "metrics", "figure"}
    assert all(store.exists(a.digest) for a in artifacts)
    assert not (tmp_path / "artifacts").exists(), "something bypassed the configured store"

    test_table = artifacts.get(step__node_id="split", port="test")
    table_preview = team.client("viewer").get(team.url(f"artifacts/{test_table.pk}/preview/"))
    assert table_preview.json()["columns"] == ["a", "b", "label"]
    assert len(table_preview.json()["rows"]) == 10
    with store.open(test_table.digest) as handle:
        stored = handle.read()
    download = team.client("viewer").get(team.url(f"artifacts/{test_table.pk}/download/"))
    assert b"".join(download.streaming_content) == stored

    # A second run finds every output in the store and reuses it.
    second = team.client("editor").post(team.url(f"pipelines/{pipeline.pk}/runs/"), {})
    drain(steps_in_this_process)
    rerun = Run.objects.get(pk=second.json()["id"])
    assert rerun.status == "succeeded"
    assert set(rerun.steps.values_list("status", flat=True)) == {"cached"}
