"""Creating, renaming and deleting datasets.

An upload or a frame becomes a Parquet file in the artifact store, once per workspace by content
hash, with its schema, column statistics and a preview.
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from backend.blocks.tables import column_stats, preview_rows
from backend.engine.artifacts import default_store, sha256_file
from backend.errors import UserError
from backend.pipelines.datasets.files import UploadLimits, read_upload
from backend.pipelines.models import Dataset
from backend.workspaces.models import Workspace

PREVIEW_ROWS = 20
#: Longest stored file name and display name (the columns' max_length).
FILENAME_MAX = Dataset._meta.get_field("original_filename").max_length
NAME_MAX = Dataset._meta.get_field("name").max_length


def upload_limits() -> UploadLimits:
    """The upload limits of this deployment (the "Request limits" settings)."""
    return UploadLimits(
        max_rows=settings.UPLOAD_MAX_ROWS,
        max_columns=settings.UPLOAD_MAX_COLUMNS,
        max_cells=settings.UPLOAD_MAX_CELLS,
        max_line_chars=settings.UPLOAD_MAX_LINE_CHARS,
        max_cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
        max_decoded_bytes=settings.UPLOAD_MAX_DECODED_BYTES,
    )


def _printable(text: str) -> str:
    """`text` without control characters (NUL and the like cannot be stored in a text column)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc").strip()


def _shorten(text: str, limit: int, suffix: str = "") -> str:
    """`text` cut to at most `limit` characters, keeping `suffix` (a file's extension) whole."""
    if len(text) <= limit:
        return text
    stem = text[: len(text) - len(suffix)] if suffix and text.endswith(suffix) else text
    keep = suffix if len(suffix) < limit // 2 else ""
    return stem[: limit - len(keep)].rstrip() + keep


def _names(filename: str, name: str) -> tuple[str, str]:
    """The stored file name and display name of an upload, within their columns' lengths.

    Decided before anything is stored, so that a long name can never fail a later step.
    """
    filename = _printable(Path(filename).name) or "upload"
    suffix = Path(filename).suffix
    display = _printable(name or "") or Path(filename).stem or filename
    return _shorten(filename, FILENAME_MAX, suffix), _shorten(display, NAME_MAX)


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
    completely, within the upload limits, before anything is stored, so a bad file leaves no
    row and no file behind; a failure after the file is stored removes it again.
    """
    filename, display = _names(upload.name or "upload", name)
    path, spill = _upload_path(upload)
    try:
        content_hash = sha256_file(path)
        existing = Dataset.objects.filter(workspace=workspace, content_hash=content_hash).first()
        if existing is not None:
            return existing, False
        parsed = read_upload(path, filename, upload_limits())
        frame = parsed.frame
        with tempfile.NamedTemporaryFile(suffix=".parquet") as normalised:
            frame.to_parquet(normalised.name, index=False)
            return _store_and_record(
                normalised.name,
                workspace=workspace,
                frame=frame,
                content_hash=content_hash,
                name=display,
                original_filename=filename,
                format=parsed.format,
                size_bytes=path.stat().st_size,
                created_by=user,
            )
    finally:
        if spill is not None:
            spill.close()


def _store_and_record(
    parquet: str, *, workspace: Workspace, frame: pd.DataFrame, content_hash: str, **fields: Any
) -> tuple[Dataset, bool]:
    """Put the normalised Parquet file in the store and record its row; when recording fails,
    remove the file again if this call stored it and no dataset refers to it."""
    store = default_store()
    digest = sha256_file(parquet)
    stored_before = store.exists(digest)
    storage_key, _ = store.put_file(parquet)
    try:
        return _dataset_row(
            workspace=workspace,
            frame=frame,
            content_hash=content_hash,
            storage_key=storage_key,
            **fields,
        )
    except BaseException:
        if not stored_before and not Dataset.objects.filter(storage_key=storage_key).exists():
            store.delete(storage_key)
        raise


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
