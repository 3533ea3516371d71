"""Serializers for the pipelines API: shapes of requests and responses, nothing more."""

from __future__ import annotations

from rest_framework import serializers

from backend.pipelines.models import (
    Artifact,
    Dataset,
    LogEntry,
    MetricPoint,
    Pipeline,
    PipelineVersion,
    Run,
    StepRun,
)


class AuthorField(serializers.SlugRelatedField):
    """A user shown by username."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(slug_field="username", read_only=True, **kwargs)


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
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class DatasetUpdateSerializer(serializers.Serializer):
    """Rename a dataset."""

    name = serializers.CharField(max_length=200)


class TablePreviewSerializer(serializers.Serializer):
    """The first rows of a table."""

    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    schema = serializers.ListField(child=serializers.DictField(), required=False)
    row_count = serializers.IntegerField(required=False)


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


class PipelineCreateSerializer(serializers.Serializer):
    """Create a pipeline: a name, optionally a description and a graph."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    graph = serializers.JSONField(required=False)


class PipelineUpdateSerializer(serializers.Serializer):
    """Save the draft: the revision it was based on and what changed."""

    revision = serializers.IntegerField(min_value=1)
    graph = serializers.JSONField(required=False)
    name = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)


class ValidateRequestSerializer(serializers.Serializer):
    """Validate the saved draft, or the graph sent here (for an unsaved editor state)."""

    graph = serializers.JSONField(required=False)


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


class VersionCreateSerializer(serializers.Serializer):
    """Snapshot the draft with a message."""

    message = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class RestoreSerializer(serializers.Serializer):
    """Restore a version into the draft (revision-checked like any save)."""

    revision = serializers.IntegerField(min_value=1)


class RunStartSerializer(serializers.Serializer):
    """Start a run: of a version (default: the draft, snapshotted), with or without the cache,
    optionally re-running from one node."""

    version = serializers.IntegerField(required=False, min_value=1)
    use_cache = serializers.BooleanField(required=False, default=True)
    from_node = serializers.CharField(required=False, allow_blank=True, max_length=64)
    parameters = serializers.DictField(required=False)


class StepOutputSerializer(serializers.ModelSerializer):
    """An output artifact of a step, by port."""

    class Meta:
        model = Artifact
        fields = ["id", "port", "kind", "size_bytes", "digest"]
        read_only_fields = fields


class StepRunSerializer(serializers.ModelSerializer):
    """One node's execution within a run."""

    outputs = StepOutputSerializer(many=True, read_only=True)
    cached_from_run = serializers.IntegerField(source="cached_from.run_id", read_only=True)

    class Meta:
        model = StepRun
        fields = [
            "id",
            "node_id",
            "block_key",
            "block_version",
            "queue",
            "status",
            "attempt",
            "max_attempts",
            "worker",
            "progress",
            "cache_key",
            "cached_from",
            "cached_from_run",
            "error_message",
            "error_traceback",
            "heartbeat_at",
            "queued_at",
            "started_at",
            "finished_at",
            "outputs",
        ]
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer):
    """A run with its steps."""

    created_by = AuthorField()
    #: Shown beside the pipeline's id so a list never has to look pipelines up by id.
    pipeline_name = serializers.CharField(source="pipeline.name", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    steps = StepRunSerializer(many=True, read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "pipeline",
            "pipeline_name",
            "version",
            "status",
            "cancel_requested",
            "parameters",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "steps",
        ]
        read_only_fields = fields


class RunListSerializer(RunSerializer):
    """A run in a list: without its steps."""

    class Meta(RunSerializer.Meta):
        fields = [f for f in RunSerializer.Meta.fields if f != "steps"]
        read_only_fields = fields


class LogEntrySerializer(serializers.ModelSerializer):
    """One log line."""

    node = serializers.CharField(source="step.node_id", read_only=True)

    class Meta:
        model = LogEntry
        fields = ["seq", "node", "level", "message", "created_at"]
        read_only_fields = fields


class MetricPointSerializer(serializers.ModelSerializer):
    """One metric value."""

    node = serializers.CharField(source="step.node_id", read_only=True)

    class Meta:
        model = MetricPoint
        fields = ["seq", "node", "key", "value", "index", "created_at"]
        read_only_fields = fields


class ArtifactSerializer(serializers.ModelSerializer):
    """An artifact's record."""

    class Meta:
        model = Artifact
        fields = ["id", "kind", "port", "step", "digest", "size_bytes", "metadata", "created_at"]
        read_only_fields = fields
