"""Writes to the model registry: stage transitions and batch scoring; and the loaded model of a
version, from this process's cache.

Stages: none, staging, production, archived. At most one version of a model is in production:
promoting a version archives the one that was there (both moves are recorded, the second with
the reason). Every other move is free, including back from archived (a rollback).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from backend.blocks.values import TrainedModel, lineage_to_json
from backend.engine.artifacts import default_store
from backend.engine.graph import parse_graph
from backend.engine.values_io import StoredValue
from backend.errors import UserError
from backend.pipelines.datasets.services import dataset_create_from_frame
from backend.pipelines.models import (
    Artifact,
    Dataset,
    ModelVersion,
    Run,
    Stage,
    StageTransition,
    StepRun,
)
from backend.pipelines.registry.serving import cache
from backend.pipelines.registry.serving.cache import ServedModel
from backend.pipelines.registry.serving.rows import RowError, check_frame

#: Rows predicted at a time when scoring a dataset (bounds the memory of one step).
SCORE_CHUNK_ROWS = 50_000


#: Largest dataset scored in one request.
SCORE_MAX_ROWS = 2_000_000


class ModelUnavailableError(UserError):
    """A version's model file cannot be read from the artifact store."""

    status = 503
    code = "model_unavailable"


def served_model(*, model_version: ModelVersion) -> ServedModel:
    """The version's model, loaded once per process (see serving.cache.ModelCache)."""
    artifact = model_version.artifact
    if artifact is None:
        raise ModelUnavailableError(
            f"version {model_version.version} of '{model_version.name}' has no model file",
            field="version",
        )
    store = default_store()

    def read() -> bytes:
        with store.open(artifact.digest) as handle:
            return handle.read()

    try:
        return cache.models.get(artifact.digest, read)
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(
            f"the model file of version {model_version.version} of '{model_version.name}' "
            f"cannot be read: {exc}",
            field="version",
        ) from exc


@transaction.atomic
def model_version_set_stage(
    *, model_version: ModelVersion, stage: str, user: AbstractBaseUser | None
) -> ModelVersion:
    """Move a version to `stage`, recording who and when; promoting one to production archives
    the previous production version. Moving to the stage it is in changes nothing."""
    if stage not in Stage.values:
        raise UserError(
            f"unknown stage '{stage}'; choose one of: {', '.join(Stage.values)}", field="stage"
        )
    # Lock every version of the model: concurrent promotions happen one after the other.
    versions = list(
        ModelVersion.objects.select_for_update()
        .filter(workspace_id=model_version.workspace_id, name=model_version.name)
        .order_by("version")
    )
    target = next(v for v in versions if v.pk == model_version.pk)
    if target.stage == stage:
        return target
    now = timezone.now()
    if stage == Stage.PRODUCTION:
        for current in versions:
            if current.stage == Stage.PRODUCTION and current.pk != target.pk:
                reason = f"version {target.version} went to production"
                _move(current, Stage.ARCHIVED, user, now, reason)
    _move(target, stage, user, now)
    return target


def _move(
    version: ModelVersion, stage: str, user: AbstractBaseUser | None, now: Any, reason: str = ""
) -> None:
    StageTransition.objects.create(
        model_version=version,
        from_stage=version.stage,
        to_stage=stage,
        changed_by=user,
        reason=reason,
    )
    version.stage, version.stage_changed_at, version.stage_changed_by = stage, now, user
    version.save(update_fields=["stage", "stage_changed_at", "stage_changed_by"])


def model_version_score(
    *,
    model_version: ModelVersion,
    dataset: Dataset,
    user: AbstractBaseUser | None,
    name: str = "",
    column: str = "prediction",
    probabilities: bool = False,
) -> tuple[Dataset, bool]:
    """Score every row of `dataset` with the version into a new dataset: the dataset's columns
    and `column` with the predictions (and ``<column>_<class>`` probabilities when asked).
    Returns (dataset, created); the same scores stored twice are one dataset."""
    if dataset.row_count > SCORE_MAX_ROWS:
        raise UserError(
            f"the dataset has {dataset.row_count} rows; one request scores at most "
            f"{SCORE_MAX_ROWS}: split it, or run a pipeline",
            field="dataset",
            status=413,
            code="too_large",
        )
    served = served_model(model_version=model_version)
    with default_store().open(dataset.storage_key) as handle:
        frame = pd.read_parquet(handle)
    if column in frame.columns:
        raise UserError(
            f"the dataset already has a column '{column}': name the predictions another way "
            "with 'column'",
            field="column",
            column=column,
        )
    inputs = check_frame(frame, served.specs)
    scores = _predict_in_chunks(served, inputs, probabilities)
    out = frame.reset_index(drop=True)
    out[column] = scores["predictions"]
    for label, values in scores.get("probabilities", {}).items():
        out[f"{column}_{label}"] = values
    default = f"{dataset.name} scored by {model_version.name} v{model_version.version}"
    return dataset_create_from_frame(
        workspace=dataset.workspace, user=user, frame=out, name=name or default
    )


def _predict_in_chunks(
    served: ServedModel, inputs: pd.DataFrame, probabilities: bool
) -> dict[str, Any]:
    predictions: list[Any] = []
    columns: dict[str, list[float]] = {}
    for start in range(0, len(inputs), SCORE_CHUNK_ROWS):
        chunk = inputs.iloc[start : start + SCORE_CHUNK_ROWS].reset_index(drop=True)
        try:
            result = served.predict(chunk, probabilities=probabilities)
        except RowError as exc:
            row = int(exc.place["row"]) + start
            message = exc.message.replace(f"row {exc.place['row']}:", f"row {row}:", 1)
            raise RowError(
                message, field="dataset", row=row, column=exc.place.get("column")
            ) from None
        predictions.extend(result["predictions"])
        for row_probabilities in result.get("probabilities", []):
            for label, p in row_probabilities.items():
                columns.setdefault(label, []).append(p)
    return {"predictions": predictions, "probabilities": columns}


def model_version_register(
    *,
    run: Run,
    step: StepRun,
    name: str,
    stored: StoredValue,
    metrics: dict[str, float],
    model: TrainedModel,
) -> int:
    """Register a publish step's model as the next version of `name`; returns its number.

    The engine calls this (``ctx.register_model``) inside the transaction that holds the step's
    lease; a retried step gets back the version it registered before.
    """
    existing = ModelVersion.objects.filter(
        workspace_id=run.workspace_id, name=name, lineage__step=step.pk
    ).first()
    if existing is not None:
        return existing.version
    # Serialise version numbering per model name across concurrent publishers.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"model:{run.workspace_id}:{name}"]
        )
    last = ModelVersion.objects.filter(workspace_id=run.workspace_id, name=name).aggregate(
        last=Max("version")
    )["last"]
    artifact, _ = Artifact.objects.get_or_create(
        step=step,
        port="published",
        defaults={
            "workspace_id": run.workspace_id,
            "kind": stored.kind,
            "digest": stored.digest,
            "size_bytes": stored.size,
            "metadata": stored.metadata,
        },
    )
    version = ModelVersion.objects.create(
        workspace_id=run.workspace_id,
        name=name,
        version=(last or 0) + 1,
        artifact=artifact,
        run=run,
        metrics={k: float(v) for k, v in (metrics or {}).items()},
        signature=model.signature,
        lineage=_lineage(run, step, model),
        created_by=run.created_by,
    )
    return version.version


def _lineage(run: Run, step: StepRun, model: TrainedModel) -> dict[str, Any]:
    steps = run.steps.values_list("node_id", "block_key", "block_version")
    digests = list(
        Dataset.objects.filter(workspace_id=run.workspace_id)
        .filter(pk__in=_dataset_ids(run))
        .values_list("content_hash", flat=True)
    )
    return {
        "run": run.pk,
        "step": step.pk,
        "pipeline": run.pipeline_id,
        "pipeline_version": run.version.number,
        "dataset_hashes": digests,
        "blocks": [{"node": n, "block": b, "version": v} for n, b, v in steps],
        "transforms": lineage_to_json(model.lineage),
    }


def _dataset_ids(run: Run) -> list[int]:
    graph = parse_graph(run.version.graph)
    return [
        int(node.config["dataset"])
        for node in graph.nodes
        if node.block == "ingest.dataset" and "dataset" in node.config
    ]
