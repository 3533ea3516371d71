"""A big table through a real run: split -> scale -> histogram gradient boosting -> evaluate.

Stores a synthetic classification table of ROWS rows (default 10,000,000 rows of 12 float64
features and an integer label: about 1 GiB in memory) as a Parquet dataset, runs the pipeline on
one Celery worker process, and samples the resident memory of the worker's process tree every
0.2 s. Reported: whether the run completed, each step's time, and the peak worker memory as a
multiple of the table's in-memory size (pandas' deep memory usage; aim: at most 3x). The same
table's peak in the hand-written script (read Parquet, split, scale, fit, predict in this
process) is measured in the same run as the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tributary_big \\
      python -m backend.devservices exec -- python -m bench.big_table [--rows 10000000]

It migrates and writes into the database it is given: use a database of its own.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("ARTIFACT_ROOT", tempfile.mkdtemp(prefix="bench-big-"))

import django

django.setup()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import psutil  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from backend.pipelines.datasets.services import dataset_create_from_frame  # noqa: E402
from backend.pipelines.design.services import pipeline_create  # noqa: E402
from backend.pipelines.runs.services import run_start  # noqa: E402
from backend.workspaces.services import workspace_create  # noqa: E402
from tests.graphs import edge, node  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FEATURES = 12
GIB = 1024**3


def synthetic(rows: int, seed: int = 0) -> pd.DataFrame:
    """ROWS rows of FEATURES float64 features and a label that depends on three of them."""
    generator = np.random.default_rng(seed)
    frame = pd.DataFrame(
        generator.standard_normal((rows, FEATURES)), columns=[f"f{i}" for i in range(FEATURES)]
    )
    score = frame["f0"] + 0.5 * frame["f1"] - frame["f2"] + generator.normal(0, 0.5, rows)
    frame["target"] = (score > 0).astype("int64")
    return frame


def graph(dataset_id: int) -> dict:
    """dataset -> split -> scale -> histogram gradient boosting -> evaluate."""
    return {
        "nodes": [
            node("data", "ingest.dataset", dataset=dataset_id, target="target"),
            node("split", "feature.split", test_size=0.2, seed=0),
            node("scale", "feature.scale", method="standard"),
            node(
                "train",
                "train.sklearn",
                algorithm="hist_gradient_boosting",
                n_estimators=50,
                seed=0,
            ),
            node("evaluate", "evaluate.classification"),
        ],
        "edges": [
            edge("data", "split"),
            edge("split", "scale", source_port="train", target_port="train"),
            edge("split", "scale", source_port="test", target_port="test"),
            edge("scale", "train", source_port="train", target_port="train"),
            edge("train", "evaluate", source_port="model", target_port="model"),
            edge("scale", "evaluate", source_port="test", target_port="test"),
        ],
    }


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and its children."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def peak_while(process: psutil.Process, stop: threading.Event, peaks: list[int]) -> None:
    """Keep the largest worker-tree RSS seen in peaks[0] until `stop` is set."""
    peaks.append(0)
    while not stop.wait(0.2):
        peaks[0] = max(peaks[0], tree_rss(process))


def script(path: Path) -> tuple[float, int]:
    """The hand-written script in a child process: (seconds, peak RSS bytes)."""
    code = f"""
import resource, time
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
start = time.perf_counter()
frame = pd.read_parquet({str(path)!r})
x, y = frame.drop(columns="target"), frame["target"]
del frame
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
scaler = StandardScaler().fit(x_train)
model = HistGradientBoostingClassifier(max_iter=50, random_state=0)
model.fit(scaler.transform(x_train), y_train)
accuracy_score(y_test, model.predict(scaler.transform(x_test)))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, peak = out.stdout.split()
    return float(seconds), int(peak)


def main() -> None:
    """Store the table, measure the script, then the run on a worker."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    frame = synthetic(options.rows)
    table_bytes = int(frame.memory_usage(deep=True).sum())
    print(f"table: {options.rows:,} rows x {frame.shape[1]} columns, {table_bytes / GIB:.2f} GiB")
    user, _ = get_user_model().objects.get_or_create(username="bench")
    workspace = workspace_create(name=f"bench big {time.time():.0f}", owner=user)
    dataset, _ = dataset_create_from_frame(workspace=workspace, user=user, frame=frame, name="big")
    parquet = Path(tempfile.mkdtemp(prefix="bench-big-script-")) / "big.parquet"
    frame.to_parquet(parquet, index=False)
    del frame
    seconds, script_peak = script(parquet)
    print(
        f"script: {seconds:.1f} s, peak {script_peak / GIB:.2f} GiB "
        f"({script_peak / table_bytes:.2f}x the table)"
    )
    pipeline = pipeline_create(workspace=workspace, user=user, name="big", graph=graph(dataset.pk))
    log = Path(tempfile.mkdtemp(prefix="bench-big-logs-")) / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "backend.engine.celery", "worker",
        "-Q", "cpu,gpu", "-c", "1", "-n", "bench-big@%h", "--loglevel", "WARNING",
    ]  # fmt: skip
    with open(log, "wb") as out:
        worker = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        time.sleep(5)  # the worker and its child are up; their idle size is part of the peak
        idle = tree_rss(psutil.Process(worker.pid))
        stop, peaks = threading.Event(), []
        sampler = threading.Thread(
            target=peak_while, args=(psutil.Process(worker.pid), stop, peaks)
        )
        sampler.start()
        started = time.perf_counter()
        run = run_start(pipeline=pipeline, user=user, use_cache=False)
        while not run.is_finished and time.perf_counter() - started < 3600:
            time.sleep(0.5)
            run.refresh_from_db()
        wall = time.perf_counter() - started
        stop.set()
        sampler.join()
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(f"run {run.pk}: {run.status} in {wall:.1f} s ({wall / seconds:.2f}x the script)")
    for step in run.steps.order_by("started_at"):
        took = (step.finished_at - step.started_at).total_seconds() if step.finished_at else 0
        print(f"  {step.node_id:<10} {step.status:<10} {took:7.1f} s")
    peak = peaks[0]
    print(
        f"worker peak {peak / GIB:.2f} GiB ({peak / table_bytes:.2f}x the table; idle worker "
        f"{idle / GIB:.2f} GiB, so {(peak - idle) / table_bytes:.2f}x above idle); "
        f"script {script_peak / table_bytes:.2f}x"
    )
    if run.status != "succeeded":
        print(f"error: {run.error}", file=sys.stderr)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"this process's own peak (it built the table): {own / GIB:.2f} GiB")


if __name__ == "__main__":
    main()
