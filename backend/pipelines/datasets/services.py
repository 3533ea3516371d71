"""Creating, renaming and deleting datasets.

An upload or a frame becomes a Parquet file in the artifact store, once per workspace by content
hash, with its schema, column statistics and a preview.
"""

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
from backend.errors import UserError
from backend.pipelines.datasets.files import read_upload
from backend.pipelines.models import Dataset
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
        return _dataset_row(
            workspace=workspace,
            frame=frame,
            content_hash=content_hash,
            storage_key=storage_key,
            name=(name or "").strip() or Path(filename).stem or filename,
            original_filename=filename,
            format=parsed.format,
            size_bytes=path.stat().st_size,
            created_by=user,
        )
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
    name = name.strip() or "scores"
    return _dataset_row(
        workspace=workspace,
        frame=frame,
        content_hash=content_hash,
        storage_key=storage_key,
        name=name[:200],
        original_filename=f"{name[:240]}.parquet",
        format=Dataset.Format.PARQUET,
        size_bytes=size,
        created_by=user,
    )


def _dataset_row(
    *, workspace: Workspace, frame: pd.DataFrame, content_hash: str, **fields: Any
) -> tuple[Dataset, bool]:
    """The dataset row of a stored file, with the schema and preview of its rows."""
    stats = {s["name"]: s for s in column_stats(frame)}
    schema = [
        {"name": col, "dtype": stats[col]["dtype"], "nulls": stats[col]["nulls"]}
        for col in map(str, frame.columns)
    ]
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                workspace=workspace,
                content_hash=content_hash,
                row_count=len(frame),
                schema=schema,
                preview=preview_rows(frame, PREVIEW_ROWS),
                **fields,
            )
    except IntegrityError:
        # The same file stored concurrently: the other request stored it.
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
