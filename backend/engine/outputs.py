"""A step's outputs as Artifact rows: what it produced, or what the step it reuses produced."""

from __future__ import annotations

from backend.engine.values_io import StoredValue
from backend.pipelines.models import Artifact, Run, StepRun


def record_outputs(run: Run, step: StepRun, outputs: dict[str, StoredValue]) -> None:
    """Save one Artifact row per output port of `step`."""
    Artifact.objects.bulk_create(
        Artifact(
            workspace_id=run.workspace_id,
            step=step,
            port=port,
            kind=value.kind,
            digest=value.digest,
            size_bytes=value.size,
            metadata=value.metadata,
        )
        for port, value in outputs.items()
    )
    # Successors may read this step's outputs in the same pass: drop any prefetched list.
    getattr(step, "_prefetched_objects_cache", {}).pop("outputs", None)


def outputs_of(step: StepRun) -> dict[str, StoredValue]:
    """The stored values of a step's outputs, by port."""
    return {
        a.port: StoredValue(kind=a.kind, digest=a.digest, size=a.size_bytes, metadata=a.metadata)
        for a in step.outputs.all()
    }
