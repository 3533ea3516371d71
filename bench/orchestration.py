"""Orchestration overhead: a 20-step chain and a 100-step fan-out of trivial blocks.

Reports, for the chain, the median per-step overhead (time from a step being queued to it being
recorded as finished, minus the block's own run time, which is ~0 for a no-op) and, for both
shapes, steps per second. The baseline, measured in the same run, is the same blocks called
in-process with their artifacts stored, so the ratio isolates queueing, leasing and bookkeeping.

    make bench            # or: python -m backend.devservices exec -- python -m bench.orchestration
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("BLOCK_PLUGINS", "bench.blocks")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from backend.blocks import get_block  # noqa: E402
from backend.engine.artifacts import default_store  # noqa: E402
from backend.engine.values_io import store_value  # noqa: E402
from backend.pipelines.design.services import pipeline_create  # noqa: E402
from backend.pipelines.models import Run  # noqa: E402
from backend.pipelines.runs.services import run_start  # noqa: E402
from backend.workspaces.services import workspace_create  # noqa: E402
from tests.graphs import edge, node  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def chain(length: int) -> dict:
    steps = [node(f"n{i}", "feature.bench_noop") for i in range(1, length)]
    return {
        "nodes": [node("n0", "ingest.bench_seed"), *steps],
        "edges": [edge(f"n{i - 1}", f"n{i}") for i in range(1, length)],
    }


def fan_out(width: int) -> dict:
    leaves = [node(f"leaf{i}", "feature.bench_noop") for i in range(width - 1)]
    return {
        "nodes": [node("root", "ingest.bench_seed"), *leaves],
        "edges": [edge("root", f"leaf{i}") for i in range(width - 1)],
    }


def run_once(pipeline, user) -> tuple[float, list[float], int]:
    started = time.perf_counter()
    run = run_start(pipeline=pipeline, user=user, use_cache=False)
    while True:
        run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(0.01)
    wall = time.perf_counter() - started
    if run.status != "succeeded":
        sys.exit(f"benchmark run failed: {run.error}")
    per_step = [
        (s.finished_at - s.queued_at).total_seconds() for s in run.steps.all() if s.queued_at
    ]
    return wall, per_step, run.steps.count()


def in_process_baseline(graph: dict) -> float:
    """The same blocks called directly, with outputs stored like the executor does."""
    store = default_store()
    started = time.perf_counter()
    value = None
    for entry in graph["nodes"]:
        block = get_block(entry["block"])
        outputs = block().run(None, **({"table": value} if block.inputs else {}))
        store_value(store, "table", outputs["table"])
        value = outputs["table"]
    return time.perf_counter() - started


def main() -> None:
    import subprocess

    import bench.blocks  # noqa: F401

    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "backend.engine.celery",
                "worker",
                "-Q",
                "cpu,gpu",
                "-c",
                "1",
                "-n",
                f"bench{i}@%h",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
        )
        for i in range(workers)
    ]
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        time.sleep(6)
        user, _ = get_user_model().objects.get_or_create(username="bench")
        workspace = workspace_create(name=f"bench {time.time():.0f}", owner=user)
        chain_pipeline = pipeline_create(
            workspace=workspace, user=user, name="chain", graph=chain(20)
        )
        fan_pipeline = pipeline_create(
            workspace=workspace, user=user, name="fan", graph=fan_out(100)
        )
        run_once(chain_pipeline, user)  # warm up the workers
        chain_walls, overheads = [], []
        for _ in range(5):
            wall, per_step, _ = run_once(chain_pipeline, user)
            chain_walls.append(wall)
            overheads.extend(per_step)
        baseline = statistics.median(in_process_baseline(chain(20)) for _ in range(5)) / 20
        fan_wall, _, fan_steps = run_once(fan_pipeline, user)
        median_overhead = statistics.median(overheads)
        print(f"workers: {workers}")
        print(
            f"chain of 20: median wall {statistics.median(chain_walls):.3f} s, "
            f"{20 / statistics.median(chain_walls):.1f} steps/s"
        )
        print(f"  per-step overhead (queued -> recorded), median: {median_overhead * 1000:.1f} ms")
        print(
            f"  in-process baseline per step: {baseline * 1000:.2f} ms "
            f"(overhead ratio {median_overhead / baseline:.1f}x)"
        )
        print(f"fan-out of {fan_steps}: wall {fan_wall:.3f} s, {fan_steps / fan_wall:.1f} steps/s")
        Run.objects.filter(workspace=workspace).delete()
        workspace.delete()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
