"""Serializer fields and shapes that more than one domain's endpoints use."""

from __future__ import annotations

from rest_framework import serializers


class AuthorField(serializers.SlugRelatedField):
    """A user shown by username."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(slug_field="username", read_only=True, **kwargs)


class TablePreviewSerializer(serializers.Serializer):
    """The first rows of a table."""

    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    schema = serializers.ListField(child=serializers.DictField(), required=False)
    row_count = serializers.IntegerField(required=False)
