"""Shapes of the run, log, metric and artifact endpoints."""

from __future__ import annotations

from rest_framework import serializers

from backend.api.serializers import (
    AuthorField,
    FlagField,
    RequestSerializer,
    TextField,
    WholeNumberField,
)
from backend.pipelines.models import (
    Artifact,
    LogEntry,
    MetricPoint,
    Run,
    StepRun,
)


class RunStartSerializer(RequestSerializer):
    """Start a run: of a version (default: the draft, snapshotted), with or without the cache,
    optionally re-running from one node."""

    version = WholeNumberField(required=False, min_value=1)
    use_cache = FlagField(required=False, default=True)
    from_node = TextField(required=False, allow_blank=True, max_length=64)
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
    cached_from_run = serializers.SerializerMethodField()

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

    def get_cached_from_run(self, step: StepRun) -> int | None:
        """The run whose step's outputs this cached step reused, or None."""
        return step.cached_from.run_id if step.cached_from_id else None


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
