"""Serializers for the model registry, predict, batch scoring, monitoring and API keys."""

from __future__ import annotations

from django.core.validators import RegexValidator
from rest_framework import serializers

from backend.api.serializers import (
    AuthorField,
    FlagField,
    RequestSerializer,
    TextField,
    WholeNumberField,
)
from backend.blocks.publish import MODEL_NAME_PATTERN
from backend.pipelines.models import ApiKey, ModelVersion, Stage, StageTransition


class ModelSummarySerializer(serializers.Serializer):
    """A registered model name: how many versions, the latest and the production one."""

    name = serializers.CharField()
    versions = serializers.IntegerField()
    latest_version = serializers.IntegerField()
    production_version = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField()
    requests = serializers.IntegerField()


class StageTransitionSerializer(serializers.ModelSerializer):
    """One stage change: from, to, who, when and why."""

    changed_by = AuthorField()

    class Meta:
        model = StageTransition
        fields = ["from_stage", "to_stage", "changed_by", "changed_at", "reason"]
        read_only_fields = fields


class ModelVersionSerializer(serializers.ModelSerializer):
    """A model version: stage, metrics, input signature, lineage, who made and moved it."""

    created_by = AuthorField()
    stage_changed_by = AuthorField()

    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "name",
            "version",
            "stage",
            "metrics",
            "signature",
            "lineage",
            "run",
            "artifact",
            "created_by",
            "created_at",
            "stage_changed_by",
            "stage_changed_at",
            "request_count",
            "error_count",
            "last_request_at",
        ]
        read_only_fields = fields


class ModelVersionDetailSerializer(ModelVersionSerializer):
    """A model version with its stage history, newest first."""

    transitions = StageTransitionSerializer(many=True, read_only=True)

    class Meta(ModelVersionSerializer.Meta):
        fields = [*ModelVersionSerializer.Meta.fields, "transitions"]
        read_only_fields = fields


class StageUpdateSerializer(RequestSerializer):
    """Move a version to another stage."""

    stage = serializers.ChoiceField(choices=Stage.choices)


class PredictRequestSerializer(serializers.Serializer):
    """Rows to predict, as objects (``instances``) or as ``columns`` and ``data``; optionally
    which version (by number, or the newest in a stage) and whether to add probabilities."""

    instances = serializers.ListField(child=serializers.DictField(), required=False)
    columns = serializers.ListField(child=serializers.CharField(), required=False)
    data = serializers.ListField(child=serializers.ListField(), required=False)
    version = WholeNumberField(required=False, min_value=1)
    stage = serializers.ChoiceField(choices=["staging", "production"], required=False)
    probabilities = FlagField(required=False, default=False)


class PredictResponseSerializer(serializers.Serializer):
    """One prediction per row, the version that made them, and class probabilities if asked."""

    predictions = serializers.ListField(child=serializers.JSONField())
    model_version = serializers.IntegerField()
    probabilities = serializers.ListField(
        child=serializers.DictField(child=serializers.FloatField()), required=False
    )


class ScoreRequestSerializer(RequestSerializer):
    """Score a dataset into a new one with the predictions in `column`."""

    dataset = WholeNumberField(min_value=1)
    name = TextField(required=False, allow_blank=True, max_length=200, default="")
    column = TextField(required=False, max_length=100, default="prediction")
    probabilities = FlagField(required=False, default=False)


class LatencySerializer(serializers.Serializer):
    """Latency percentiles over the recent requests."""

    p50 = serializers.FloatField(allow_null=True)
    p95 = serializers.FloatField(allow_null=True)
    window = serializers.IntegerField()


class MonitoringSerializer(serializers.Serializer):
    """Serving totals of a version, its recent latency, errors, and a sample of inputs."""

    model = serializers.CharField()
    model_version = serializers.IntegerField()
    requests = serializers.IntegerField()
    errors = serializers.IntegerField()
    error_rate = serializers.FloatField(allow_null=True)
    predicted_rows = serializers.IntegerField()
    last_request_at = serializers.DateTimeField(allow_null=True)
    latency_ms = LatencySerializer()
    recent_errors = serializers.ListField(child=serializers.DictField())
    sample = serializers.ListField(child=serializers.DictField())


class DriftBinSerializer(serializers.Serializer):
    """One bin (numeric range or category): training share, recent share, PSI term."""

    bin = serializers.CharField()
    expected = serializers.FloatField()
    actual = serializers.FloatField()
    psi = serializers.FloatField()


class DriftFeatureSerializer(serializers.Serializer):
    """The PSI of one input column and whether it drifted."""

    name = serializers.CharField()
    kind = serializers.CharField(help_text="numeric or categorical")
    psi = serializers.FloatField(allow_null=True)
    drift = serializers.BooleanField()
    bins = DriftBinSerializer(many=True)


class DriftSerializer(serializers.Serializer):
    """Recent inputs against the training rows, feature by feature."""

    model = serializers.CharField()
    model_version = serializers.IntegerField()
    inputs = serializers.IntegerField()
    training_rows = serializers.IntegerField(allow_null=True)
    threshold = serializers.FloatField()
    drift = serializers.BooleanField()
    features = DriftFeatureSerializer(many=True)


class ApiKeySerializer(serializers.ModelSerializer):
    """An API key as listed: its prefix, never the secret."""

    model = serializers.CharField(source="model_name", read_only=True)
    created_by = AuthorField()
    revoked_by = AuthorField()
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "model",
            "active",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_by",
            "revoked_at",
        ]
        read_only_fields = fields


class ApiKeyCreatedSerializer(ApiKeySerializer):
    """A new API key, with the secret: shown this once."""

    key = serializers.CharField(read_only=True)

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class ApiKeyCreateSerializer(RequestSerializer):
    """Create a key for one model (or, without ``model``, for every model of the workspace)."""

    name = TextField(max_length=100)
    model = TextField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        trim_whitespace=False,
        # Blank ("every model") is let through before validators run, so the name's pattern
        # is enough, and the schema offers the empty string beside it.
        validators=[RegexValidator(MODEL_NAME_PATTERN, "use letters, digits, '_', '.' and '-'")],
        help_text="the model's name (letters, digits, '_', '.', '-'); empty: every model",
    )
