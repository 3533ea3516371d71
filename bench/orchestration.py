"""Orchestration overhead: the peers' chain and fan-out through Tributary and through raw Celery.

The workload (the one Prefect, Dagster and Airflow were measured on): every step sleeps 10 ms
and hands ``x + 1`` on. A chain of 20 such steps, overhead per step = (wall - 200 ms) / 20; a
fan-out of 100 independent steps, in steps per second; and a fan-out of 1,000 through Tributary,
which must finish. The baseline is plain Celery 5 on the same Redis in the same run (a chain, and
a chord over a group, of tasks: bench/raw_celery.py), with the same prefork concurrency as the
Tributary worker, measured alternately with it so that both see the same machine load. What is
printed is each measurement's range and the ratios of the medians.

    make bench   # or: python -m backend.devservices exec -- python -m bench.orchestration

BENCH_REPEATS (default 5) sets how many times each shape is measured; BENCH_CONCURRENCY
(default 2) the worker processes of each side; BENCH_WIDE (default 1000) the wide fan-out.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("BLOCK_PLUGINS", "bench.blocks")

import django

django.setup()

from celery import chain as celery_chain  # noqa: E402
from celery import chord  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from backend.engine.celery import app as tributary_app  # noqa: E402
from backend.pipelines.design.services import pipeline_create  # noqa: E402
from backend.pipelines.models import Pipeline, Run  # noqa: E402
from backend.pipelines.runs.services import run_start  # noqa: E402
from backend.workspaces.services import workspace_create  # noqa: E402
from bench import raw_celery  # noqa: E402
from tests.graphs import edge, node  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SLEEP = 0.010
CHAIN = 20
FAN = 100
BLOCK = "feature.bench_increment"


def chain_graph(length: int) -> dict:
    """`length` increments, each wired to the one before."""
    return {
        "nodes": [node(f"n{i}", BLOCK) for i in range(length)],
        "edges": [edge(f"n{i - 1}", f"n{i}", "value", "value") for i in range(1, length)],
    }


def fan_graph(width: int) -> dict:
    """One increment and `width - 1` increments that each take its value."""
    return {
        "nodes": [node("root", BLOCK), *(node(f"leaf{i}", BLOCK) for i in range(width - 1))],
        "edges": [edge("root", f"leaf{i}", "value", "value") for i in range(width - 1)],
    }


def tributary_run(pipeline: Pipeline, user, timeout: float = 600) -> tuple[float, Run]:
    """Run the pipeline; seconds from the request to the run's recorded end, and the run."""
    started = datetime.now().astimezone()
    run = run_start(pipeline=pipeline, user=user, use_cache=False)
    deadline = time.monotonic() + timeout
    while not run.is_finished:
        if time.monotonic() > deadline:
            sys.exit(f"run {run.pk} did not finish within {timeout:.0f} s")
        time.sleep(0.02)  # the end is read from the run row, so polling adds nothing to it
        run.refresh_from_db()
    if run.status != "succeeded":
        sys.exit(f"benchmark run {run.pk} {run.status}: {run.error}")
    return (run.finished_at - started).total_seconds(), run


def raw_chain(length: int) -> float:
    """Seconds for a Celery chain of `length` steps, checked to hand x on."""
    started = time.perf_counter()
    tasks = [raw_celery.step.s(0), *(raw_celery.step.s() for _ in range(length - 1))]
    result = celery_chain(*tasks).apply_async().get(timeout=120)
    wall = time.perf_counter() - started
    if result != length:
        sys.exit(f"the raw chain handed on {result}, not {length}")
    return wall


def raw_fan(width: int) -> float:
    """Seconds for a chord of `width` steps over a group."""
    started = time.perf_counter()
    done = chord(raw_celery.step.s(i) for i in range(width))(raw_celery.collect.s())
    count = done.get(timeout=300)
    wall = time.perf_counter() - started
    if count != width:
        sys.exit(f"the raw chord collected {count} of {width}")
    return wall


def spread(values: list[float], scale: float = 1.0, unit: str = "") -> str:
    """'median (min-max)' of `values` times `scale`."""
    v = sorted(x * scale for x in values)
    return f"{statistics.median(v):.1f}{unit} ({v[0]:.1f}-{v[-1]:.1f})"


def step_breakdown(runs: list[Run]) -> str:
    """Median queue wait (queued -> claimed) and hold (claimed -> recorded) per step, in ms."""
    waits, holds = [], []
    for run in runs:
        for s in run.steps.all():
            waits.append((s.started_at - s.queued_at).total_seconds() * 1000)
            holds.append((s.finished_at - s.started_at).total_seconds() * 1000)
    return (
        f"queued->claimed {statistics.median(waits):.1f} ms, "
        f"claimed->recorded {statistics.median(holds):.1f} ms (10 ms of it the block's sleep)"
    )


def start_workers(concurrency: int) -> list[subprocess.Popen[bytes]]:
    """A Tributary worker and a raw Celery worker, each with `concurrency` prefork processes."""
    common = ["-c", str(concurrency), "-P", "prefork", "--loglevel", "WARNING"]
    apps = [
        ("backend.engine.celery", "cpu,gpu", "bench-tributary@%h"),
        ("bench.raw_celery", raw_celery.QUEUE, "bench-raw@%h"),
    ]
    return [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app, "worker", "-Q", q, "-n", name, *common],
            cwd=ROOT,
        )
        for app, q, name in apps
    ]


def wait_ready(timeout: float = 90) -> None:
    """Return once both workers answer."""
    tributary_app.send_task("backend.engine.tasks.ping", queue="cpu").get(timeout=timeout)
    raw_celery.step.delay(0, 0).get(timeout=timeout)


def alternate(repeats: int, *measures: Callable[[], float]) -> list[list[float]]:
    """Each measurement `repeats` times, taking turns, so that both see the same load."""
    results: list[list[float]] = [[] for _ in measures]
    for _ in range(repeats):
        for i, measure in enumerate(measures):
            results[i].append(measure())
    return results


def main() -> None:
    repeats = int(os.environ.get("BENCH_REPEATS", "5"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "2"))
    wide = int(os.environ.get("BENCH_WIDE", "1000"))
    call_command("migrate", verbosity=0)
    procs = start_workers(concurrency)
    try:
        wait_ready()
        user, _ = get_user_model().objects.get_or_create(username="bench")
        workspace = workspace_create(name=f"bench {time.time():.0f}", owner=user)
        pipelines = {
            name: pipeline_create(workspace=workspace, user=user, name=name, graph=graph)
            for name, graph in [
                ("chain", chain_graph(CHAIN)),
                ("fan", fan_graph(FAN)),
                ("wide", fan_graph(wide)),
            ]
        }
        runs: dict[str, list[Run]] = {"chain": [], "fan": []}

        def measure(name: str) -> Callable[[], float]:
            def once() -> float:
                wall, run = tributary_run(pipelines[name], user)
                runs[name].append(run)
                return wall

            return once

        # Warm both sides up (imports, connections, the event writer) before measuring.
        alternate(1, measure("chain"), lambda: raw_chain(CHAIN), measure("fan"))
        runs = {"chain": [], "fan": []}
        trib_chain, raw_chain_walls = alternate(repeats, measure("chain"), lambda: raw_chain(CHAIN))
        trib_fan, raw_fan_walls = alternate(repeats, measure("fan"), lambda: raw_fan(FAN))
        wide_wall, wide_run = tributary_run(pipelines["wide"], user, timeout=900)
        raw_wide = raw_fan(wide)
        report(
            concurrency=concurrency,
            trib_chain=trib_chain,
            raw_chain=raw_chain_walls,
            trib_fan=trib_fan,
            raw_fan=raw_fan_walls,
            breakdown=step_breakdown(runs["chain"]),
            wide=(wide, wide_wall, raw_wide, wide_run.steps.count()),
        )
        Run.objects.filter(workspace=workspace).delete()
        workspace.delete()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)


def report(
    *,
    concurrency: int,
    trib_chain: list[float],
    raw_chain: list[float],
    trib_fan: list[float],
    raw_fan: list[float],
    breakdown: str,
    wide: tuple[int, float, float, int],
) -> None:
    """Print the ranges and the same-run ratios."""

    def overhead(walls: list[float]) -> list[float]:
        return [(w - CHAIN * SLEEP) / CHAIN for w in walls]

    def rate(walls: list[float], count: int) -> list[float]:
        return [count / w for w in walls]

    t_over, r_over = overhead(trib_chain), overhead(raw_chain)
    t_rate, r_rate = rate(trib_fan, FAN), rate(raw_fan, FAN)
    chain_ratio = statistics.median(t_over) / statistics.median(r_over)
    fan_ratio = statistics.median(t_rate) / statistics.median(r_rate)
    width, wide_wall, raw_wide, wide_steps = wide
    print(f"prefork concurrency {concurrency} on each side, {len(trib_chain)} runs of each shape")
    print(f"chain of {CHAIN} (10 ms per step), overhead per step = (wall - 200 ms) / {CHAIN}:")
    print(f"  tributary  {spread(t_over, 1000, ' ms')}")
    print(f"  raw celery {spread(r_over, 1000, ' ms')}")
    print(f"  ratio      {chain_ratio:.2f}x (aim <= 2.5x)")
    print(f"  tributary per step: {breakdown}")
    print(f"fan-out of {FAN}, steps per second:")
    print(f"  tributary  {spread(t_rate, unit='/s')}")
    print(f"  raw celery {spread(r_rate, unit='/s')}")
    print(f"  ratio      {fan_ratio:.0%} of raw celery (aim >= 50%)")
    print(
        f"fan-out of {width}: tributary {wide_steps} steps in {wide_wall:.1f} s "
        f"({wide_steps / wide_wall:.0f}/s), raw celery {width / raw_wide:.0f}/s "
        f"({(wide_steps / wide_wall) / (width / raw_wide):.0%})"
    )


if __name__ == "__main__":
    main()
