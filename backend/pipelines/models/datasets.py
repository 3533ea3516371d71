"""Datasets: uploaded CSV or Parquet files, stored once per workspace by content hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from backend.workspaces.models import Workspace


class Dataset(models.Model):
    """An uploaded CSV or Parquet file, stored once per workspace by content hash."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PARQUET = "parquet", "Parquet"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=200)
    original_filename = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=Format.choices)
    #: sha256 of the uploaded bytes: the same file uploaded twice is one dataset.
    content_hash = models.CharField(max_length=64)
    #: Key of the normalised Parquet copy in the artifact store.
    storage_key = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    row_count = models.BigIntegerField()
    #: ``[{"name": ..., "dtype": ..., "nulls": ...}, ...]``
    schema = models.JSONField(default=list)
    #: ``{"columns": [...], "rows": [[...], ...]}``: the first rows, JSON-safe.
    preview = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "content_hash"], name="unique_dataset_hash_per_workspace"
            )
        ]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return self.name
