"""Editor rendering: opening a pipeline of 300 blocks, and the frame time while dragging one.

Generates two pipelines of real blocks with valid connections: chains of nine blocks
(ingest.sample -> split -> impute -> one-hot -> scale -> PCA -> train.sklearn -> evaluate ->
publish) laid out on a grid, cut short at the end to give exactly the number of blocks asked
for; the editor has real validation to ask for (schemas flow down each chain). Serves the
product with the ASGI server `make run` uses, on a free port, and drives Debian's chromium with
playwright-core (frontend/bench/editor.mjs) through the editor at /w/<slug>/pipelines/<id>:

- first render: from navigation start until every block is in the DOM, measured, and inside
  the canvas (React Flow's .react-flow__node, after the fit to view);
- editor idle: until the validation answer is shown as well (the toolbar's status);
- drag: the mouse presses on a training block in the middle of the graph and takes it round a
  small rectangle in 3-pixel steps at 60 moves a second (sent as a mouse sends them, without
  waiting for the page; a page that falls behind gets them coalesced), back to where it began:
  the intervals between requestAnimationFrame timestamps meanwhile (p50, p95, max, mean), the
  moves the page was given after coalescing, and the long tasks (main thread busy >= 50 ms);
- idle frame interval: the same intervals for a second with the editor open and untouched.

The baseline is the same measurements on a small pipeline (10 blocks) in the same browser,
alternating with the large one at every repetition, so both see the same machine (on a shared
machine, load comes and goes). The figures to watch are the ratios large / small (the median of
the per-repetition ratios); absolute milliseconds vary from machine to machine.

    python -m backend.devservices exec -- .venv/bin/python -m bench.editor \\
        [--nodes 300] [--baseline-nodes 10] [--repeat 5] [--viewport 1920x1080] [--json PATH]

It needs the built frontend (frontend/dist: `make frontend`), frontend/node_modules and
chromium (`make chromium`). It migrates and writes into the database it is given: use a
database of its own (DATABASE_URL=.../tributary_bench_editor) where others work on the same
server. The workspace it creates is deleted at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("ARTIFACT_ROOT", tempfile.mkdtemp(prefix="bench-editor-"))

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from backend.devservices import free_port  # noqa: E402
from backend.pipelines.design.services import graph_validate, pipeline_create  # noqa: E402
from backend.pipelines.management.commands.runstack import asgi_server_command  # noqa: E402
from backend.pipelines.models import Pipeline  # noqa: E402
from backend.workspaces.models import Workspace  # noqa: E402
from backend.workspaces.services import workspace_create  # noqa: E402
from bench.servers import wait_serving  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
SCRIPT = "bench/editor.mjs"
USERNAME = "bench-editor"

#: One chain, in order: (node id prefix, block, config). Each block's inputs come from the ones
#: before it (see CHAIN_EDGES), so any prefix of the chain is a valid pipeline too.
CHAIN: list[tuple[str, str, dict[str, Any]]] = [
    ("sample", "ingest.sample", {}),
    ("split", "feature.split", {"test_size": 0.25}),
    ("impute", "feature.impute", {}),
    ("onehot", "feature.one_hot", {}),
    ("scale", "feature.scale", {"method": "standard"}),
    ("pca", "feature.pca", {"n_components": 2}),
    ("train", "train.sklearn", {"algorithm": "logistic_regression"}),
    ("evaluate", "evaluate.classification", {}),
    ("publish", "publish.model", {}),
]
#: (source, its output port, target, its input port) within one chain.
CHAIN_EDGES = [
    ("sample", "table", "split", "table"),
    *(
        (source, port, target, port)
        for source, target in [
            ("split", "impute"),
            ("impute", "onehot"),
            ("onehot", "scale"),
            ("scale", "pca"),
        ]
        for port in ("train", "test")
    ),
    ("pca", "train", "train", "train"),
    ("train", "model", "evaluate", "model"),
    ("pca", "test", "evaluate", "test"),
    ("train", "model", "publish", "model"),
    ("evaluate", "metrics", "publish", "metrics"),
]
SAMPLES = ["iris", "wine", "breast_cancer"]
#: Grid of the layout, in flow units: a block is 220 wide and at most ~170 high.
COLUMN_WIDTH, ROW_HEIGHT, CHAIN_GAP = 280, 220, 160
#: Width / height the layout aims at: about that of the canvas in a 1920x1080 window.
ASPECT = 1.6


def _chain_columns(chains: int) -> int:
    """How many chains side by side make the graph's shape closest to ASPECT."""
    width = len(CHAIN) * COLUMN_WIDTH + CHAIN_GAP

    def misfit(columns: int) -> float:
        rows = math.ceil(chains / columns)
        return abs(math.log(columns * width / (rows * ROW_HEIGHT) / ASPECT))

    return min(range(1, chains + 1), key=misfit)


def chain_graph(blocks: int) -> dict[str, Any]:
    """Graph JSON of exactly `blocks` blocks: whole chains, then one cut short; on a grid."""
    chains = math.ceil(blocks / len(CHAIN))
    columns = _chain_columns(chains)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, str]] = []
    for index in range(chains):
        length = min(len(CHAIN), blocks - index * len(CHAIN))
        left = (index % columns) * (len(CHAIN) * COLUMN_WIDTH + CHAIN_GAP)
        top = (index // columns) * ROW_HEIGHT
        names = {prefix for prefix, _, _ in CHAIN[:length]}
        for step, (prefix, block, config) in enumerate(CHAIN[:length]):
            config = dict(config)
            if block == "ingest.sample":
                config["name"] = SAMPLES[index % len(SAMPLES)]
            elif block == "publish.model":
                config["name"] = f"bench-chain-{index + 1}"
            nodes.append(
                {
                    "id": f"{prefix}-{index + 1}",
                    "block": block,
                    "config": config,
                    "position": {"x": left + step * COLUMN_WIDTH, "y": top},
                }
            )
        edges.extend(
            {
                "source": f"{source}-{index + 1}",
                "source_port": out,
                "target": f"{target}-{index + 1}",
                "target_port": into,
            }
            for source, out, target, into in CHAIN_EDGES
            if source in names and target in names
        )
    return {"nodes": nodes, "edges": edges}


def drag_node(graph: dict[str, Any]) -> str:
    """The block the mouse drags: a training block near the middle of the graph (wired both
    ways), else the middle block."""
    trains = [node["id"] for node in graph["nodes"] if node["block"] == "train.sklearn"]
    if trains:
        return trains[len(trains) // 2]
    return str(graph["nodes"][len(graph["nodes"]) // 2]["id"])


@dataclass
class Case:
    """One pipeline the browser opens: its name in the report, id, size and the block dragged."""

    name: str
    pipeline: Pipeline
    nodes: int
    edges: int
    drag: str

    def plan(self) -> dict[str, Any]:
        """What frontend/bench/editor.mjs needs to know about it."""
        return {
            "name": self.name,
            "pipelineId": self.pipeline.pk,
            "nodes": self.nodes,
            "edges": self.edges,
            "drag": self.drag,
        }


def prepare(sizes: dict[str, int], password: str) -> tuple[Workspace, list[Case]]:
    """A user with `password`, a workspace of its own and one valid pipeline per size."""
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.set_password(password)
    user.save()
    workspace = workspace_create(name=f"bench editor {time.time():.0f}", owner=user)
    cases = []
    for name, blocks in sizes.items():
        graph = chain_graph(blocks)
        issues = graph_validate(workspace=workspace, graph=graph)
        if issues:
            workspace.delete()
            sys.exit(f"the generated {blocks}-block graph does not validate: {issues[:3]}")
        pipeline = pipeline_create(
            workspace=workspace, user=user, name=f"{blocks} blocks", graph=graph
        )
        cases.append(Case(name, pipeline, blocks, len(graph["edges"]), drag_node(graph)))
    return workspace, cases


@contextlib.contextmanager
def serve(log: Path) -> Iterator[str]:
    """The ASGI server `make run` uses, on a free port; yields its base URL once it answers."""
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            asgi_server_command("127.0.0.1", port), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_serving(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(url: str, plan: dict[str, Any], output: Path, timeout: float) -> dict[str, Any]:
    """Run frontend/bench/editor.mjs with `plan`; its results. Its progress goes to stderr."""
    results = output / "results.json"
    env = {
        **os.environ,
        "BASE_URL": url,
        "BENCH_PLAN": json.dumps(plan),
        "BENCH_RESULTS": str(results),
        "BENCH_OUTPUT": str(output),
    }
    try:
        done = subprocess.run(
            ["node", SCRIPT],
            cwd=FRONTEND,
            env=env,
            stdout=sys.stderr,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        sys.exit(f"the browser did not finish within {timeout:.0f} s")
    if done.returncode != 0 or not results.is_file():
        sys.exit(f"the browser part failed (exit {done.returncode}); screenshots in {output}")
    return dict(json.loads(results.read_text()))


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


#: The rows of the report: (label, unit, figure of one repetition's measurements).
ROWS: list[tuple[str, str, Any]] = [
    ("page loaded (DOMContentLoaded)", "ms", lambda r: r["loadedMs"]),
    ("first block in the DOM", "ms", lambda r: r["firstNodeMs"]),
    ("first render (all blocks shown)", "ms", lambda r: r["firstRenderMs"]),
    ("editor idle (validation shown)", "ms", lambda r: r["idleMs"]),
    ("long tasks while opening", "", lambda r: len(r["loadLongTasks"])),
    ("main thread blocked while opening", "ms", lambda r: _blocking(r["loadLongTasks"])),
    ("drag: frame interval p50", "ms", lambda r: pct(r["dragIntervals"], 50)),
    ("drag: frame interval p95", "ms", lambda r: pct(r["dragIntervals"], 95)),
    ("drag: frame interval max", "ms", lambda r: max(r["dragIntervals"])),
    ("drag: frame interval mean", "ms", lambda r: statistics.mean(r["dragIntervals"])),
    ("drag: mouse moves handled", "", lambda r: r["dragMovesHandled"]),
    ("drag: time per handled move", "ms", lambda r: r["dragMs"] / max(1, r["dragMovesHandled"])),
    ("drag: duration", "ms", lambda r: r["dragMs"]),
    ("drag: long tasks", "", lambda r: len(r["dragLongTasks"])),
    ("idle frame interval p50", "ms", lambda r: pct(r["idleIntervals"], 50)),
]


def _blocking(tasks: list[list[float]]) -> float:
    """Total blocking time: what each long task spent beyond 50 ms."""
    return sum(max(0.0, duration - 50) for _, duration in tasks)


def _ratio(large: float, small: float) -> float | None:
    return large / small if small else None


def summarise(runs: list[dict[str, Any]], small: str, large: str) -> list[dict[str, Any]]:
    """Per row: the median over repetitions for each size, and the median per-repetition ratio."""
    by_case: dict[str, list[dict[str, Any]]] = {small: [], large: []}
    for run in runs:
        by_case[run["case"]].append(run)
    rows = []
    for label, unit, figure in ROWS:
        smalls = [float(figure(run)) for run in by_case[small]]
        larges = [float(figure(run)) for run in by_case[large]]
        ratios = [r for r in map(_ratio, larges, smalls) if r is not None]
        rows.append(
            {
                "label": label,
                "unit": unit,
                small: statistics.median(smalls),
                large: statistics.median(larges),
                "ratio": statistics.median(ratios) if ratios else None,
            }
        )
    return rows


def table(rows: list[dict[str, Any]], small: str, large: str, heading: list[str]) -> str:
    """The summary as text: one line per row, the ratio last."""

    def cell(value: float, unit: str) -> str:
        return f"{value:9.1f} {unit:<2}" if unit else f"{value:9.0f}   "

    lines = [*heading, f"  {'':<36}{small:>12}  {large:>12}  {'large/small':>11}"]
    for row in rows:
        ratio = f"{row['ratio']:10.2f}x" if row["ratio"] is not None else f"{'-':>11}"
        lines.append(
            f"  {row['label']:<36}{cell(row[small], row['unit'])}  "
            f"{cell(row[large], row['unit'])}  {ratio}"
        )
    return "\n".join(lines)


def _check_prerequisites() -> None:
    if not (FRONTEND / "dist" / "index.html").is_file():
        sys.exit("frontend/dist is not built: run `make frontend`")
    if not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        sys.exit("frontend/node_modules has no playwright-core: run `make frontend`")
    if shutil.which("node") is None:
        sys.exit("node is not on PATH (Node 20 is needed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=300, help="blocks in the large pipeline")
    parser.add_argument(
        "--baseline-nodes", type=int, default=10, help="blocks in the baseline pipeline"
    )
    parser.add_argument("--repeat", type=int, default=5, help="measured openings of each")
    parser.add_argument("--viewport", default="1920x1080", help="browser window, WIDTHxHEIGHT")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    options = parser.parse_args()
    if min(options.nodes, options.baseline_nodes, options.repeat) < 1:
        parser.error("--nodes, --baseline-nodes and --repeat must be at least 1")
    width, _, height = options.viewport.partition("x")
    _check_prerequisites()
    call_command("migrate", verbosity=0)
    small, large = f"{options.baseline_nodes} blocks", f"{options.nodes} blocks"
    password = secrets.token_urlsafe(16)
    workspace, cases = prepare({small: options.baseline_nodes, large: options.nodes}, password)
    output = Path(tempfile.mkdtemp(prefix="bench-editor-out-"))
    plan = {
        "username": USERNAME,
        "password": password,
        "slug": workspace.slug,
        "repeat": options.repeat,
        "viewport": {"width": int(width), "height": int(height)},
        "cases": [case.plan() for case in cases],
    }
    try:
        with serve(output / "server.log") as url:
            timeout = 120 + 60 * options.repeat * (1 + options.nodes / 100)
            results = measure(url, plan, output, timeout)
    finally:
        workspace.delete()
    shutil.rmtree(output, ignore_errors=True)  # kept above when the browser part fails
    rows = summarise(results["runs"], small, large)
    browser = results["environment"]
    shape = ", ".join(f"{case.name}: {case.edges} connections" for case in cases)
    zooms = " / ".join(
        f"{statistics.median(r['zoom'] for r in results['runs'] if r['case'] == case.name):.2f}"
        for case in cases
    )
    heading = [
        f"editor: {large} against {small} ({shape}), {options.repeat} repetitions alternating;",
        f"{browser['browser']}, window {options.viewport}, zoom after the fit {zooms}; "
        f"drag of {browser['dragMoves']} mouse moves at 60 Hz; medians over repetitions:",
    ]
    print(table(rows, small, large, heading))
    if options.json:
        options.json.write_text(
            json.dumps({"plan": {**plan, "password": None}, "summary": rows, **results}, indent=2)
        )
        print(f"measurements written to {options.json}")


if __name__ == "__main__":
    main()
