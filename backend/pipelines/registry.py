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
from django.db import transaction
from django.utils import timezone

from backend.engine.artifacts import default_store
from backend.errors import UserError
from backend.pipelines.models import Dataset, ModelVersion, Stage, StageTransition
from backend.pipelines.services import dataset_create_from_frame
from backend.pipelines.serving import cache
from backend.pipelines.serving.cache import ServedModel
from backend.pipelines.serving.rows import RowError, check_frame

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
