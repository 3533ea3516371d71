"""Publish blocks: register a trained model in the workspace's registry."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from backend.blocks.base import (
    METRICS,
    MODEL,
    Block,
    BlockConfig,
    BlockRunError,
    ConfigIssue,
    SchemaEnv,
    StepContext,
    TableSchema,
)
from backend.blocks.registry import register_block
from backend.blocks.values import TrainedModel

MODEL_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


def gate_issues(config: Any) -> list[ConfigIssue]:
    """A gate needs both a metric and a threshold."""
    if config.metric and config.threshold is None:
        return [ConfigIssue(f"set the threshold '{config.metric}' must reach", field="threshold")]
    if config.threshold is not None and not config.metric:
        return [ConfigIssue("set the metric the threshold applies to", field="metric")]
    return []


@register_block
class PublishModel(Block):
    """Register the model as the next version of a named model, optionally behind a metric gate.

    With a gate (a metric, a threshold and a direction), the model is published only when the
    metric from the wired metrics input reaches the threshold (at or above it for "higher", at
    or below for "lower"); otherwise the step still succeeds, and its log says why nothing was
    published. The registered version keeps the metrics it was published with.
    """

    key = "publish.model"
    title = "Publish model"
    family = "publish"
    inputs = {
        "model": MODEL.describe("The model to register"),
        "metrics": METRICS.optional().describe("Metrics to gate on and to keep with the version"),
    }
    outputs = {}
    example_configs = [
        {"name": "iris-classifier"},
        {"name": "iris-classifier", "metric": "accuracy", "threshold": 0.8},
        {"name": "iris_v2.candidate", "metric": "accuracy", "threshold": 0.5, "direction": "lower"},
    ]

    class Config(BlockConfig):
        name: str = Field(
            min_length=1,
            max_length=100,
            pattern=MODEL_NAME_PATTERN,
            description="Registry name: letters, digits, '_', '.', '-'; starts with a letter "
            "or digit. Each publish adds a version.",
        )
        metric: str | None = Field(
            None,
            min_length=1,
            max_length=100,
            description="Gate on this metric (e.g. accuracy, rmse); needs the metrics input.",
        )
        threshold: float | None = Field(
            None, allow_inf_nan=False, description="Value the metric must reach to publish."
        )
        direction: Literal["higher", "lower"] = Field(
            "higher", description="higher: publish at or above the threshold; lower: at or below."
        )

    def infer_schemas(
        self, config: Config, inputs: dict[str, TableSchema | None], env: SchemaEnv
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        issues = gate_issues(config)
        if config.metric and "metrics" not in inputs:
            issues.append(
                ConfigIssue(
                    f"the gate on '{config.metric}' needs metrics: wire an evaluate block's "
                    "metrics here, or clear the metric",
                    port="metrics",
                )
            )
        return {}, issues

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        config = ctx.config
        model: TrainedModel = inputs["model"]
        metrics: dict[str, float] | None = inputs.get("metrics")
        issues = gate_issues(config)
        if issues:
            raise BlockRunError(issues[0].message, field=issues[0].field)
        if config.metric and not self._gate_passes(ctx, metrics):
            return {}
        version = ctx.register_model(config.name, model, dict(metrics or {}))
        ctx.log(f"published '{config.name}' version {version}")
        return {}

    @staticmethod
    def _gate_passes(ctx: StepContext, metrics: dict[str, float] | None) -> bool:
        config = ctx.config
        if metrics is None:
            raise BlockRunError(
                f"the gate on '{config.metric}' needs the metrics input wired", port="metrics"
            )
        if config.metric not in metrics:
            raise BlockRunError(
                f"metric '{config.metric}' is not among the metrics "
                f"(available: {', '.join(sorted(metrics)) or 'none'})",
                field="metric",
                port="metrics",
            )
        value = float(metrics[config.metric])
        passes = (
            value >= config.threshold
            if config.direction == "higher"
            else (value <= config.threshold)
        )
        bound = "at least" if config.direction == "higher" else "at most"
        if passes:
            ctx.log(f"{config.metric} {value:.4g} is {bound} {config.threshold:.4g}: publishing")
        else:
            ctx.log(
                f"not published: {config.metric} is {value:.4g}, and the gate wants {bound} "
                f"{config.threshold:.4g}",
                "warning",
            )
        return passes
