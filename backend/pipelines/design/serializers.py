"""Shapes of the pipeline, validation and version endpoints."""

from __future__ import annotations

from rest_framework import serializers

from backend.api.serializers import (
    AuthorField,
    GraphField,
    RequestSerializer,
    TextField,
    WholeNumberField,
)
from backend.pipelines.models import (
    Pipeline,
    PipelineVersion,
)


class BlockPortSerializer(serializers.Serializer):
    """An input or output port of a block."""

    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    description = serializers.CharField(allow_blank=True)


class BlockSerializer(serializers.Serializer):
    """A block of the catalogue: what the editor's palette and config forms need."""

    key = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    family = serializers.CharField()
    queue = serializers.CharField()
    inputs = BlockPortSerializer(many=True)
    outputs = BlockPortSerializer(many=True)
    config_schema = serializers.DictField(help_text="the JSON Schema of the block's config")


class PipelineSerializer(serializers.ModelSerializer):
    """A pipeline with its draft graph and revision."""

    created_by = AuthorField()
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Pipeline
        fields = [
            "id",
            "name",
            "description",
            "graph",
            "revision",
            "latest_version",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_latest_version(self, pipeline: Pipeline) -> int | None:
        latest = getattr(pipeline, "latest_version_number", None)
        if latest is None:
            version = pipeline.versions.order_by("-number").first()
            latest = version.number if version else None
        return latest


class PipelineListSerializer(PipelineSerializer):
    """A pipeline in a list: everything but the graph."""

    node_count = serializers.SerializerMethodField()

    class Meta(PipelineSerializer.Meta):
        fields = [f for f in PipelineSerializer.Meta.fields if f != "graph"] + ["node_count"]
        read_only_fields = fields

    def get_node_count(self, pipeline: Pipeline) -> int:
        nodes = (pipeline.graph or {}).get("nodes", [])
        return len(nodes) if isinstance(nodes, list) else 0


class PipelineCreateSerializer(RequestSerializer):
    """Create a pipeline: a name, optionally a description and a graph."""

    name = TextField(max_length=200)
    description = TextField(required=False, allow_blank=True, default="")
    graph = GraphField(required=False)


class PipelineUpdateSerializer(RequestSerializer):
    """Save the draft: the revision it was based on and what changed."""

    revision = WholeNumberField(min_value=1)
    graph = GraphField(required=False)
    name = TextField(required=False, max_length=200)
    description = TextField(required=False, allow_blank=True)


class ValidateRequestSerializer(RequestSerializer):
    """Validate the saved draft, or the graph sent here (for an unsaved editor state)."""

    graph = GraphField(required=False)


class GraphIssueSerializer(serializers.Serializer):
    """One problem in a graph."""

    message = serializers.CharField()
    node = serializers.CharField(required=False)
    port = serializers.CharField(required=False)
    field = serializers.CharField(required=False)
    column = serializers.CharField(required=False)


class ValidationResultSerializer(serializers.Serializer):
    """Whether the graph can run, and every problem if not."""

    valid = serializers.BooleanField()
    errors = GraphIssueSerializer(many=True)


class VersionSerializer(serializers.ModelSerializer):
    """An immutable pipeline version."""

    author = AuthorField()

    class Meta:
        model = PipelineVersion
        fields = ["id", "number", "graph", "message", "author", "created_at"]
        read_only_fields = fields


class VersionCreateSerializer(RequestSerializer):
    """Snapshot the draft with a message."""

    message = TextField(required=False, allow_blank=True, max_length=500, default="")


class RestoreSerializer(RequestSerializer):
    """Restore a version into the draft (revision-checked like any save)."""

    revision = WholeNumberField(min_value=1)
