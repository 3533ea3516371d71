"""Live log streaming: latency from `ctx.log` in a worker to a WebSocket client, and what
streaming costs the block that logs.

One step (bench/log_blocks.py) does ~1 ms of pure-Python work per line and logs after each,
so it writes ~1,000 lines/s. A WebSocket client follows the run through a real ASGI server and
takes, for every line, its receipt time minus the time `ctx.log` was called (the event's `at`;
both on this machine's clock): p50 and p99. The same block with logging off, in the same
invocation, alternating with the logging runs, is the baseline of the slowdown ratio. A burst
(10,000 lines logged as fast as the block can), to one viewer and to ten, shows each server's
delivery rate. The ASGI
servers named run side by side and take turns, so that each sees the same conditions.

    python -m backend.devservices exec -- python -m bench.log_stream [--servers daphne,uvicorn]

It migrates and writes into the database it is given: use a database of its own
(DATABASE_URL=.../tributary_bench) where others work on the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("BLOCK_PLUGINS", "bench.log_blocks")

import django
import psutil

django.setup()

import websockets  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from backend.devservices import free_port  # noqa: E402
from backend.pipelines.design.services import pipeline_create  # noqa: E402
from backend.pipelines.management.commands.runstack import asgi_server_command  # noqa: E402
from backend.pipelines.models import MetricPoint, Run  # noqa: E402
from backend.pipelines.runs.services import run_start  # noqa: E402
from backend.workspaces.services import workspace_create  # noqa: E402
from backend.workspaces.tokens import token_create  # noqa: E402
from bench.log_blocks import busy  # noqa: E402
from bench.servers import wait_serving  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FINAL = ("succeeded", "failed", "cancelled")
FAN_OUT = 10  # viewers of one run in the fan-out burst


def calibrate(seconds_per_line: float = 0.001) -> int:
    """busy() iterations that take `seconds_per_line` of CPU here (CPU time, the best of three,
    so that other load on the machine changes the amount of work little)."""
    iterations = 10_000
    while True:
        took = min(_cpu_time(iterations) for _ in range(3))
        if took > 0.2:
            return max(1, int(iterations * seconds_per_line / took))
        iterations *= 2


def _cpu_time(iterations: int) -> float:
    started = time.thread_time()
    busy(iterations)
    return time.thread_time() - started


@contextlib.contextmanager
def process(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


async def follow_all(ws_url: str, origin: str, gate: Path, viewers: int) -> dict[str, Any]:
    """`viewers` clients follow one run; the block starts once all are subscribed. The first
    reads every event; the others only count lines, so that the clients cost little."""
    subscribed = asyncio.Barrier(viewers)
    results = await asyncio.gather(
        *(follow(ws_url, origin, gate, subscribed, parse=i == 0) for i in range(viewers))
    )
    return {
        **results[0],
        "lines": min(result["lines"] for result in results),
        "seconds": max(r["last_received"] for r in results) - results[0]["first_at"],
    }


async def follow(
    ws_url: str, origin: str, gate: Path, subscribed: asyncio.Barrier, parse: bool = True
) -> dict[str, Any]:
    """Follow a run from its snapshot to its final status; open the gate once all viewers are
    subscribed."""
    latencies: list[float] = []
    seqs: list[int] = []
    lines = 0
    loop: dict[str, float] = {}
    first_at = last_received = 0.0
    async with websockets.connect(ws_url, origin=origin, max_size=None) as ws:
        snapshot = json.loads(await ws.recv())
        if await subscribed.wait() == 0:
            gate.touch()
        while True:
            raw = await ws.recv()
            received = time.time()
            if not parse and '"type": "log"' in raw:
                lines += '"message": "line ' in raw
                last_received = received
                continue
            event = json.loads(raw)
            if event["type"] == "log":
                at = datetime.fromisoformat(event["at"]).timestamp()
                first_at = first_at or at
                latencies.append(received - at)
                seqs.append(event["seq"])
                lines += event["message"].startswith("line ")
                last_received = received
            elif event["type"] == "metric":
                loop[event["key"]] = event["value"]
            elif event["type"] == "run.status" and event["status"] in FINAL:
                break
    return {
        "snapshot_seq": snapshot["seq"],
        "latencies": latencies,
        "in_order": seqs == sorted(set(seqs)),
        "lines": lines,
        "wall": loop.get("loop_seconds"),
        "cpu": loop.get("loop_cpu_seconds"),
        "thread_cpu": loop.get("loop_thread_cpu_seconds"),
        "first_at": first_at,
        "last_received": last_received,
        "seconds": last_received - first_at,
    }


class Bench:
    """Starts runs of the chatty block and follows each through one ASGI server."""

    def __init__(
        self, base_url: str, user: Any, workspace: Any, token: str, tmp: Path, server_pid: int
    ) -> None:
        self.base_url, self.user, self.workspace, self.token = base_url, user, workspace, token
        self.tmp, self.count = tmp, 0
        self.server = psutil.Process(server_pid)
        self.server_cpu = 0.0  # CPU seconds the server spent on followed runs
        self.frames = 0  # log lines it delivered in them, counted once per viewer

    def _server_cpu(self) -> float:
        times = self.server.cpu_times()
        return times.user + times.system

    def run(self, *, lines: int, work: int, log: bool, viewers: int = 1) -> dict[str, Any]:
        """One run of the chatty block, followed by `viewers` WebSocket clients."""
        self.count += 1
        name = f"{self.base_url.rsplit(':', 1)[1]}-{self.count}"
        gate = self.tmp / f"gate-{name}"
        config = {"lines": lines, "work": work, "log": log, "gate": str(gate)}
        graph = {"nodes": [{"id": "chatty", "block": "ingest.bench_chatty", "config": config}]}
        pipeline = pipeline_create(
            workspace=self.workspace, user=self.user, name=f"chatty {name}", graph=graph
        )
        run = run_start(pipeline=pipeline, user=self.user, use_cache=False)
        if viewers:
            url = self.base_url.replace("http", "ws", 1) + f"/ws/runs/{run.pk}/?token={self.token}"
            cpu = self._server_cpu()
            result = asyncio.run(follow_all(url, self.base_url, gate, viewers))
            self.server_cpu += self._server_cpu() - cpu
            self.frames += (lines if log else 0) * viewers
        else:
            gate.touch()
            result = unwatched(run)
        run = Run.objects.get(pk=run.pk)
        if run.status != "succeeded":
            sys.exit(f"benchmark run failed: {run.error}")
        if viewers and (not result["in_order"] or result["lines"] != (lines if log else 0)):
            sys.exit(f"run {run.pk}: the stream lost, repeated or reordered lines")
        return result


def unwatched(run: Run) -> dict[str, Any]:
    """Wait for a run nobody follows; its loop's times from the database."""
    while not Run.objects.get(pk=run.pk).is_finished:
        time.sleep(0.05)
    loop = dict(MetricPoint.objects.filter(run=run).values_list("key", "value"))
    return {
        "wall": loop["loop_seconds"],
        "cpu": loop["loop_cpu_seconds"],
        "thread_cpu": loop["loop_thread_cpu_seconds"],
    }


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def measure(benches: dict[str, Bench], *, lines: int, work: int, rounds: int) -> dict[str, Any]:
    """Rounds of: logging off; logging on with nobody watching; streaming through each server
    in turn (so that every server sees the same conditions). Then bursts, also in turn."""
    any_bench = next(iter(benches.values()))
    for bench in benches.values():
        bench.run(lines=500, work=work, log=True)  # warm up: imports, connections
        bench.server_cpu, bench.frames = 0.0, 0
    off: list[dict[str, Any]] = []
    on: dict[str, list[dict[str, Any]]] = {server: [] for server in [*benches, ""]}
    for round_ in range(rounds):
        off.append(any_bench.run(lines=lines, work=work, log=False, viewers=0))
        on[""].append(any_bench.run(lines=lines, work=work, log=True, viewers=0))
        order = list(benches) if round_ % 2 == 0 else list(reversed(benches))
        for server in order:
            on[server].append(benches[server].run(lines=lines, work=work, log=True))
    bursts: dict[str, list[float]] = {server: [] for server in benches}
    fan_outs: dict[str, list[float]] = {server: [] for server in benches}
    for _ in range(3):
        for server, bench in benches.items():
            bursts[server].append(bench.run(lines=10_000, work=0, log=True)["seconds"])
            burst = bench.run(lines=10_000, work=0, log=True, viewers=FAN_OUT)
            fan_outs[server].append(burst["seconds"])
    results = {
        server: {
            **summarize(off, on[server], bursts[server], lines),
            "fan_out_s": statistics.median(fan_outs[server]),
            "server_ms": benches[server].server_cpu / benches[server].frames * 1e6,
        }
        for server in benches
    }
    results[""] = costs(off, on[""], lines)
    return results


def costs(off: list[dict[str, Any]], on: list[dict[str, Any]], lines: int) -> dict[str, float]:
    """What streaming costs the block: slowdown, the median of each round's on/off wall-time
    ratio; overhead, the CPU the worker spent outside the block's thread, per block CPU."""
    ratios = [b["wall"] / a["wall"] for a, b in zip(off, on, strict=True)]
    return {
        "rate": lines / statistics.median(run["wall"] for run in on),
        "slowdown_pct": (statistics.median(ratios) - 1) * 100,
        "overhead_pct": statistics.median(r["cpu"] / r["thread_cpu"] - 1 for r in on) * 100,
    }


def summarize(
    off: list[dict[str, Any]], on: list[dict[str, Any]], bursts: list[float], lines: int
) -> dict[str, float]:
    """Latency percentiles, costs, and the burst's delivery time."""
    latencies = [seconds for run in on for seconds in run["latencies"]]
    if os.environ.get("BENCH_VERBOSE"):
        for a, b in zip(off, on, strict=True):
            print({k: round(a[k], 3) for k in ("wall", "cpu", "thread_cpu")},
                  {k: round(b[k], 3) for k in ("wall", "cpu", "thread_cpu")})  # fmt: skip
    burst = statistics.median(bursts)
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": pct(latencies, 99) * 1000,
        "max_ms": max(latencies) * 1000,
        **costs(off, on, lines),
        "burst_s": burst,
        "burst_rate": 10_000 / burst,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default="daphne,uvicorn")
    parser.add_argument("--lines", type=int, default=5000, help="lines per measured run")
    parser.add_argument("--rounds", type=int, default=5, help="logging off/on pairs per server")
    args = parser.parse_args()
    rounds = args.rounds

    call_command("migrate", verbosity=0)
    load = f"{os.getloadavg()[0]:.1f}"
    work = calibrate()
    user, _ = get_user_model().objects.get_or_create(username="bench")
    token = token_create(user=user, name="log bench")[1]
    workspace = workspace_create(name=f"log bench {time.time():.0f}", owner=user)
    tmp = Path(tempfile.mkdtemp(prefix="log-bench-"))
    worker = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "backend.engine.celery",
        "worker",
        "-Q",
        "cpu,gpu",
    ]
    worker += ["-c", "1", "-n", "logbench@%h", "--without-mingle", "--without-gossip"]
    servers = args.servers.split(",")
    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(process(worker, tmp / "worker.log"))
            benches = {}
            for server in servers:
                port, log = free_port(), tmp / f"{server}.log"
                child = stack.enter_context(
                    process(asgi_server_command("127.0.0.1", port, server), log)
                )
                url = f"http://127.0.0.1:{port}"
                wait_serving(url, child, log)
                benches[server] = Bench(url, user, workspace, token, tmp, child.pid)
            results = measure(benches, lines=args.lines, work=work, rounds=rounds)
    finally:
        Run.objects.filter(workspace=workspace).delete()
        workspace.delete()
    print(f"one step, {args.lines} lines at ~1,000/s ({work} busy iterations per line), "
          f"{args.rounds} rounds; burst: 10,000 lines with no work between them")  # fmt: skip
    print(f"load average: {load} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs")
    print(
        f"{'server':<9}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'lines/s':>9}"
        f"{'slowdown':>10}{'overhead':>10}{'burst s':>9}{'burst/s':>9}{'fan-out s':>11}"
        f"{'server CPU':>12}"
    )
    for server, r in results.items():
        if server:
            print(
                f"{server:<9}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}{r['max_ms']:>8.1f}"
                f"{r['rate']:>9.0f}{r['slowdown_pct']:>9.1f}%{r['overhead_pct']:>9.1f}%"
                f"{r['burst_s']:>9.2f}{r['burst_rate']:>9.0f}{r['fan_out_s']:>11.2f}"
                f"{r['server_ms']:>9.1f} ms"
            )
    quiet = results[""]
    print(
        f"{'(nobody watching)':<33}{quiet['rate']:>9.0f}{quiet['slowdown_pct']:>9.1f}%"
        f"{quiet['overhead_pct']:>9.1f}%"
    )
    print(
        "slowdown: the loop's wall time, logging on / logging off, median of the rounds' ratios, "
        "minus 1; with a viewer, the server and the client share this machine's CPUs with the "
        "block. overhead: CPU time the worker spent outside the block's thread (flushing, "
        "broadcasting) / the block thread's: what streaming takes from a pure-Python block, "
        f"which shares the GIL. fan-out: 10,000 lines to {FAN_OUT} viewers of the same run, "
        "until the last one has all. server CPU: the ASGI server's CPU time per 1,000 lines "
        "delivered (to each viewer)"
    )


if __name__ == "__main__":
    main()
