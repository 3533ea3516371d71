"""Writes to datasets, pipelines and versions."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from backend.blocks.tables import column_stats, preview_rows
from backend.engine.artifacts import default_store, sha256_file
from backend.engine.graph import Graph, GraphIssue, check_graph, parse_graph, validate_graph
from backend.errors import ConflictError, UserError
from backend.pipelines.dataset_files import read_upload
from backend.pipelines.models import Dataset, Pipeline, PipelineVersion
from backend.pipelines.selectors import WorkspaceSchemaEnv
from backend.workspaces.models import Workspace

PREVIEW_ROWS = 20


def _upload_path(upload: UploadedFile) -> tuple[Path, tempfile.NamedTemporaryFile | None]:
    """A filesystem path holding the upload (small uploads are in memory: spill them)."""
    if hasattr(upload, "temporary_file_path"):
        return Path(upload.temporary_file_path()), None
    # Closed by the caller once the dataset is stored (the file must outlive this function).
    spill = tempfile.NamedTemporaryFile(suffix=Path(upload.name or "").suffix)  # noqa: SIM115
    for chunk in upload.chunks():
        spill.write(chunk)
    spill.flush()
    return Path(spill.name), spill


def dataset_create(
    *, workspace: Workspace, user: AbstractBaseUser, upload: UploadedFile, name: str = ""
) -> tuple[Dataset, bool]:
    """Store an uploaded CSV or Parquet file as a dataset; returns (dataset, created).

    The same bytes uploaded again return the existing dataset. The file is read and checked
    completely before anything is stored, so a bad file leaves no row and no file behind.
    """
    filename = Path(upload.name or "upload").name
    path, spill = _upload_path(upload)
    try:
        content_hash = sha256_file(path)
        existing = Dataset.objects.filter(workspace=workspace, content_hash=content_hash).first()
        if existing is not None:
            return existing, False
        parsed = read_upload(path, filename)
        frame = parsed.frame
        with tempfile.NamedTemporaryFile(suffix=".parquet") as normalised:
            frame.to_parquet(normalised.name, index=False)
            storage_key, _ = default_store().put_file(normalised.name)
        stats = {s["name"]: s for s in column_stats(frame)}
        schema = [
            {"name": col, "dtype": stats[col]["dtype"], "nulls": stats[col]["nulls"]}
            for col in map(str, frame.columns)
        ]
        try:
            with transaction.atomic():
                dataset = Dataset.objects.create(
                    workspace=workspace,
                    name=(name or "").strip() or Path(filename).stem or filename,
                    original_filename=filename,
                    format=parsed.format,
                    content_hash=content_hash,
                    storage_key=storage_key,
                    size_bytes=path.stat().st_size,
                    row_count=len(frame),
                    schema=schema,
                    preview=preview_rows(frame, PREVIEW_ROWS),
                    created_by=user,
                )
        except IntegrityError:
            # The same file uploaded concurrently: the other request stored it.
            return Dataset.objects.get(workspace=workspace, content_hash=content_hash), False
        return dataset, True
    finally:
        if spill is not None:
            spill.close()


def dataset_create_from_frame(
    *, workspace: Workspace, user: AbstractBaseUser | None, frame: pd.DataFrame, name: str
) -> tuple[Dataset, bool]:
    """Store a DataFrame made by Tributary (e.g. batch scores) as a Parquet dataset; returns
    (dataset, created). The same rows stored again return the existing dataset."""
    with tempfile.NamedTemporaryFile(suffix=".parquet") as parquet:
        frame.to_parquet(parquet.name, index=False)
        content_hash = sha256_file(parquet.name)
        existing = Dataset.objects.filter(workspace=workspace, content_hash=content_hash).first()
        if existing is not None:
            return existing, False
        storage_key, size = default_store().put_file(parquet.name)
    stats = {s["name"]: s for s in column_stats(frame)}
    schema = [
        {"name": col, "dtype": stats[col]["dtype"], "nulls": stats[col]["nulls"]}
        for col in map(str, frame.columns)
    ]
    name = name.strip() or "scores"
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                workspace=workspace,
                name=name[:200],
                original_filename=f"{name[:240]}.parquet",
                format=Dataset.Format.PARQUET,
                content_hash=content_hash,
                storage_key=storage_key,
                size_bytes=size,
                row_count=len(frame),
                schema=schema,
                preview=preview_rows(frame, PREVIEW_ROWS),
                created_by=user,
            )
    except IntegrityError:
        return Dataset.objects.get(workspace=workspace, content_hash=content_hash), False
    return dataset, True


def dataset_rename(*, dataset: Dataset, name: str) -> Dataset:
    """Rename a dataset."""
    if not name.strip():
        raise UserError("name must not be blank", field="name")
    dataset.name = name.strip()
    dataset.save(update_fields=["name"])
    return dataset


def dataset_delete(*, dataset: Dataset) -> None:
    """Delete a dataset row (its stored file may be shared with others, so it stays)."""
    dataset.delete()


def _check_name_free(workspace: Workspace, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise UserError("name must not be blank", field="name")
    clash = Pipeline.objects.filter(workspace=workspace, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ConflictError(f"a pipeline named '{name}' already exists", field="name")
    return name


def pipeline_create(
    *,
    workspace: Workspace,
    user: AbstractBaseUser,
    name: str,
    graph: Any = None,
    description: str = "",
) -> Pipeline:
    """Create a pipeline with a draft graph (its shape is checked, not whether it can run)."""
    parsed = parse_graph(graph if graph is not None else {"nodes": [], "edges": []})
    try:
        with transaction.atomic():
            return Pipeline.objects.create(
                workspace=workspace,
                name=_check_name_free(workspace, name),
                description=description,
                graph=parsed.to_json(),
                created_by=user,
            )
    except IntegrityError:
        raise ConflictError(f"a pipeline named '{name}' already exists", field="name") from None


@transaction.atomic
def pipeline_update(
    *,
    pipeline: Pipeline,
    revision: int,
    graph: Any = None,
    name: str | None = None,
    description: str | None = None,
) -> Pipeline:
    """Save the draft. `revision` must be the current one, else 409 (someone saved since)."""
    locked = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    if revision != locked.revision:
        raise ConflictError(
            f"the pipeline was saved by someone else (revision {locked.revision}, you sent "
            f"{revision}); reload it and apply your change again",
            field="revision",
        )
    if graph is not None:
        locked.graph = parse_graph(graph).to_json()
    if name is not None:
        locked.name = _check_name_free(locked.workspace, name, exclude=locked.pk)
    if description is not None:
        locked.description = description
    locked.revision += 1
    locked.save()
    return locked


def pipeline_delete(*, pipeline: Pipeline) -> None:
    """Delete a pipeline, its versions and runs."""
    pipeline.delete()


def graph_validate(*, workspace: Workspace, graph: Any) -> list[GraphIssue]:
    """Every problem that would stop `graph` from running in `workspace`."""
    return validate_graph(parse_graph(graph), WorkspaceSchemaEnv(workspace))


def graph_check(*, workspace: Workspace, graph: Any) -> Graph:
    """The parsed graph when it can run in `workspace`; else GraphError with every problem."""
    parsed = parse_graph(graph)
    check_graph(parsed, WorkspaceSchemaEnv(workspace))
    return parsed


@transaction.atomic
def version_create(
    *,
    pipeline: Pipeline,
    user: AbstractBaseUser | None,
    message: str = "",
    reuse_unchanged: bool = False,
) -> PipelineVersion:
    """Snapshot the draft as the next version; the graph must be able to run and differ from
    the latest version's (an identical version would only make the history longer). With
    `reuse_unchanged`, an unchanged draft gives the latest version instead of an error."""
    locked = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    graph = parse_graph(locked.graph)
    latest = locked.versions.order_by("-number").first()
    if latest is not None and parse_graph(latest.graph).to_json() == graph.to_json():
        if reuse_unchanged:
            return latest
        raise ConflictError(
            f"nothing changed since version {latest.number}: the draft is the same graph",
            code="unchanged",
        )
    check_graph(graph, WorkspaceSchemaEnv(locked.workspace))
    return PipelineVersion.objects.create(
        pipeline=locked,
        number=(latest.number if latest else 0) + 1,
        graph=graph.to_json(),
        message=message.strip(),
        author=user,
    )


@transaction.atomic
def version_restore(*, pipeline: Pipeline, version: PipelineVersion, revision: int) -> Pipeline:
    """Make a version's graph the draft again (a normal, revision-checked draft save)."""
    return pipeline_update(pipeline=pipeline, revision=revision, graph=version.graph)
