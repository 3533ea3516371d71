"""Step caching: a step whose block, version, config and input contents match a succeeded
step of the same workspace reuses that step's outputs instead of running.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from backend.blocks import get_block
from backend.engine.artifacts import default_store
from backend.engine.events.store import copy_step_metrics
from backend.engine.graph import (
    Graph,
)
from backend.engine.outputs import outputs_of, record_outputs
from backend.pipelines.models import (
    Artifact,
    Run,
    StepRun,
    StepStatus,
)


def config_key(graph: Graph, step: StepRun) -> dict[str, Any]:
    """The step's config as the cache key sees it: parsed, with defaults filled in."""
    block = get_block(step.block_key)
    config = block.parse_config(graph.node(step.node_id).config)
    return config.model_dump(mode="json")


def cache_key(step: StepRun, config: dict[str, Any], inputs: dict[str, Artifact]) -> str:
    """Hash of what determines a step's outputs: block, version, config, input contents."""
    material = {
        "block": step.block_key,
        "version": step.block_version,
        "config": config,
        "inputs": sorted((port, artifact.digest) for port, artifact in inputs.items()),
    }
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def cache_hit(run: Run, key: str) -> StepRun | None:
    """The latest succeeded step in the workspace with this key whose outputs still exist."""
    store = default_store()
    candidates = (
        StepRun.objects.filter(
            run__workspace_id=run.workspace_id, cache_key=key, status=StepStatus.SUCCEEDED
        )
        .exclude(run=run)
        .prefetch_related("outputs")
        .order_by("-finished_at")[:5]
    )
    for candidate in candidates:
        if all(store.exists(a.digest) for a in candidate.outputs.all()):
            return candidate
    return None


def use_cache_for(run: Run, node_id: str) -> bool:
    """Whether the run may reuse a cached result for `node_id` (not for forced nodes)."""
    forced = run.parameters.get("forced_nodes") or []
    if run.parameters.get("from_node"):
        return node_id not in forced
    return bool(run.parameters.get("use_cache", True))


def mark_cached(run: Run, step: StepRun, source: StepRun, now: Any) -> None:
    """Finish `step` with the outputs and metric values of `source`, which it reuses."""
    record_outputs(run, step, outputs_of(source))
    step.status, step.cached_from, step.progress = StepStatus.CACHED, source, 1.0
    step.queued_at = step.started_at = step.finished_at = now
    step.save()
    copy_step_metrics(run=run, step=step, source=source)
