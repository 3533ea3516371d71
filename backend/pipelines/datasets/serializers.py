"""Shapes of the dataset endpoints."""

from __future__ import annotations

from rest_framework import serializers

from backend.api.serializers import AuthorField, RequestSerializer, TextField
from backend.pipelines.models import (
    Dataset,
)


class DatasetSerializer(serializers.ModelSerializer):
    """A dataset: where it came from, its schema and size."""

    created_by = AuthorField()

    class Meta:
        model = Dataset
        fields = [
            "id",
            "name",
            "original_filename",
            "format",
            "content_hash",
            "size_bytes",
            "row_count",
            "schema",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class DatasetUploadSerializer(serializers.Serializer):
    """Multipart upload: the file, and an optional display name."""

    file = serializers.FileField(allow_empty_file=True)
    name = TextField(required=False, allow_blank=True, max_length=200)


class DatasetUpdateSerializer(RequestSerializer):
    """Rename a dataset."""

    name = TextField(max_length=200)
