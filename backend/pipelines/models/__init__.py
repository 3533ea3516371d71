"""What is stored: datasets, pipelines and their versions, runs and their steps, artifacts,
logs and metrics, registered model versions with their stage history, the API keys that call
them, and a capped log of prediction requests.

Every row belongs to one workspace (directly, or through its run or pipeline), and every query
the API makes is scoped to the workspaces the caller is a member of.
"""

from backend.pipelines.models.base import ImmutableModel
from backend.pipelines.models.datasets import Dataset
from backend.pipelines.models.design import Pipeline, PipelineVersion, empty_graph
from backend.pipelines.models.registry import (
    ApiKey,
    ModelVersion,
    PredictionLog,
    Stage,
    StageTransition,
)
from backend.pipelines.models.runs import (
    RUN_FINISHED,
    STEP_FINISHED,
    Artifact,
    LogEntry,
    LogLevel,
    MetricPoint,
    Run,
    RunEvent,
    RunStatus,
    StepRun,
    StepStatus,
)

__all__ = [
    "RUN_FINISHED",
    "STEP_FINISHED",
    "ApiKey",
    "Artifact",
    "Dataset",
    "ImmutableModel",
    "LogEntry",
    "LogLevel",
    "MetricPoint",
    "ModelVersion",
    "Pipeline",
    "PipelineVersion",
    "PredictionLog",
    "Run",
    "RunEvent",
    "RunStatus",
    "Stage",
    "StageTransition",
    "StepRun",
    "StepStatus",
    "empty_graph",
]
