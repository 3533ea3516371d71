"""A whole tabular pipeline through Tributary against the same scikit-learn code in one script.

dataset -> split -> impute -> one-hot -> scale -> random forest -> evaluate -> publish, on a
generated table (numeric columns with missing values, a text column, a binary label) of 10k
and of 1M rows. The baseline, run in this process in the same run, is the hand-written script
that does the same work: read the Parquet file, split, impute, one-hot, scale, fit, score with
the same metrics and figures, save the model. Tributary is timed from the request to the run's
recorded end (the first run after the workers start, cold, and then warm ones).

    make bench   # or: python -m backend.devservices exec -- python -m bench.pipeline

BENCH_ROWS (default "10000,1000000") sets the table sizes, BENCH_REPEATS (default 3) the warm
runs of each, BENCH_TREES (default 20) and BENCH_DEPTH (default 12) the forest. With
BENCH_PROFILE=path the worker profiles its steps (bench/profiled_worker.py).
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django

django.setup()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from backend.engine.artifacts import default_store  # noqa: E402
from backend.engine.celery import app as tributary_app  # noqa: E402
from backend.pipelines.datasets.services import dataset_create_from_frame  # noqa: E402
from backend.pipelines.design.services import pipeline_create  # noqa: E402
from backend.pipelines.models import Pipeline, Run  # noqa: E402
from backend.pipelines.runs.services import run_start  # noqa: E402
from backend.workspaces.services import workspace_create  # noqa: E402
from tests.graphs import edge, node  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NUMERIC = 8
CATEGORIES = ("red", "green", "blue", "amber", "violet")


def make_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """`rows` rows: NUMERIC float columns with 5 % missing, a text column, a binary label."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, NUMERIC))
    colour = rng.choice(CATEGORIES, size=rows)
    signal = values[:, 0] + 0.5 * values[:, 1] - values[:, 2] + (colour == "red") * 0.8
    label = (signal + rng.normal(scale=0.5, size=rows) > 0).astype("int64")
    values[rng.random(size=values.shape) < 0.05] = np.nan
    frame = pd.DataFrame(values, columns=[f"x{i}" for i in range(NUMERIC)])
    frame["colour"] = pd.Series(colour, dtype="object")
    frame.loc[rng.random(size=rows) < 0.02, "colour"] = None
    frame["target"] = label
    return frame


def pipeline_graph(dataset_id: int, trees: int, depth: int, name: str) -> dict[str, Any]:
    """The eight steps, fitted on train and applied to test, as the editor would wire them."""
    fitted = ["impute", "one_hot", "scale"]
    edges = [edge("data", "split")]
    previous = "split"
    for step in fitted:
        edges += [edge(previous, step, "train", "train"), edge(previous, step, "test", "test")]
        previous = step
    edges += [
        edge("scale", "train", "train", "train"),
        edge("train", "evaluate", "model", "model"),
        edge("scale", "evaluate", "test", "test"),
        edge("train", "publish", "model", "model"),
        edge("evaluate", "publish", "metrics", "metrics"),
    ]
    return {
        "nodes": [
            node("data", "ingest.dataset", dataset=dataset_id, target="target"),
            node("split", "feature.split", test_size=0.25, seed=0),
            node("impute", "feature.impute"),
            node("one_hot", "feature.one_hot"),
            node("scale", "feature.scale", method="standard"),
            node(
                "train",
                "train.sklearn",
                algorithm="random_forest",
                n_estimators=trees,
                max_depth=depth,
                seed=0,
            ),
            node("evaluate", "evaluate.classification"),
            node("publish", "publish.model", name=name),
        ],
        "edges": edges,
    }


def script(path: str, trees: int, depth: int) -> float:
    """The hand-written scikit-learn version of the pipeline; returns its wall seconds."""
    started = time.perf_counter()
    import joblib
    from sklearn import metrics
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = pd.read_parquet(path)
    features, target = frame.drop(columns="target"), frame["target"]
    x_train, x_test, y_train, y_test = train_test_split(
        features, target, test_size=0.25, random_state=0
    )
    numeric = [c for c in features.columns if c != "colour"]
    prep = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), numeric),
            (
                "text",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                ["colour"],
            ),
        ]
    )
    train = prep.fit_transform(x_train)
    test = prep.transform(x_test)
    model = RandomForestClassifier(n_estimators=trees, max_depth=depth, random_state=0)
    model.fit(train, y_train)
    predicted = model.predict(test)
    proba = model.predict_proba(test)[:, 1]
    metrics.accuracy_score(y_test, predicted)
    metrics.precision_recall_fscore_support(y_test, predicted, average="macro")
    metrics.roc_auc_score(y_test, proba)
    metrics.confusion_matrix(y_test, predicted)
    metrics.roc_curve(y_test, proba)
    joblib.dump((prep, model), io.BytesIO())
    return time.perf_counter() - started


def tributary_run(pipeline: Pipeline, user: Any, timeout: float = 1800) -> tuple[float, Run]:
    """Run the pipeline; seconds from the request to the run's recorded end, and the run."""
    started = datetime.now().astimezone()
    run = run_start(pipeline=pipeline, user=user, use_cache=False)
    deadline = time.monotonic() + timeout
    while not run.is_finished:
        if time.monotonic() > deadline:
            sys.exit(f"run {run.pk} did not finish within {timeout:.0f} s")
        time.sleep(0.05)
        run.refresh_from_db()
    if run.status != "succeeded":
        sys.exit(f"benchmark run {run.pk} {run.status}: {run.error}")
    return (run.finished_at - started).total_seconds(), run


def step_times(run: Run) -> str:
    """Each step's claimed -> recorded seconds, in order."""
    steps = run.steps.order_by("id")
    return ", ".join(
        f"{s.node_id} {(s.finished_at - s.started_at).total_seconds():.2f}" for s in steps
    )


def start_worker() -> subprocess.Popen[bytes]:
    """A Tributary worker as `make run` starts one (both queues), with two processes."""
    app = "bench.profiled_worker" if os.environ.get("BENCH_PROFILE") else "backend.engine.celery"
    command = [sys.executable, "-m", "celery", "-A", app, "worker"]
    options = ["-Q", "cpu,gpu", "-c", "2", "-n", "bench-pipeline@%h", "--loglevel", "WARNING"]
    return subprocess.Popen([*command, *options], cwd=ROOT)


def main() -> None:
    sizes = [int(n) for n in os.environ.get("BENCH_ROWS", "10000,1000000").split(",")]
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    trees = int(os.environ.get("BENCH_TREES", "20"))
    depth = int(os.environ.get("BENCH_DEPTH", "12"))
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench")
    workspace = workspace_create(name=f"bench pipeline {time.time():.0f}", owner=user)
    pipelines, files = {}, {}
    for rows in sizes:
        frame = make_table(rows)
        dataset, _ = dataset_create_from_frame(
            workspace=workspace, user=user, frame=frame, name=f"bench {rows}"
        )
        graph = pipeline_graph(dataset.pk, trees, depth, name=f"bench-{rows}")
        pipelines[rows] = pipeline_create(
            workspace=workspace, user=user, name=f"pipeline {rows}", graph=graph
        )
        files[rows] = str(default_store().path(dataset.storage_key))
    started = time.perf_counter()
    worker = start_worker()
    try:
        tributary_app.send_task("backend.engine.tasks.ping", queue="cpu").get(timeout=120)
        ready = time.perf_counter() - started
        smallest = sizes[0]
        cold, cold_run = tributary_run(pipelines[smallest], user)
        print(f"worker answered {ready:.1f} s after its start (imports warmed before the fork)")
        print(f"first run after the worker started ({smallest} rows): {cold:.2f} s")
        print(f"  steps: {step_times(cold_run)}")
        for rows in sizes:
            report_size(rows, pipelines[rows], user, files[rows], repeats, trees, depth, cold)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        Run.objects.filter(workspace=workspace).delete()
        workspace.delete()


def report_size(
    rows: int,
    pipeline: Pipeline,
    user: Any,
    path: str,
    repeats: int,
    trees: int,
    depth: int,
    cold: float,
) -> None:
    """Measure Tributary and the script on one table, taking turns; print the ratios."""
    script(path, trees, depth)  # imports and file cache, as the workers have them
    walls, scripts, last = [], [], None
    for _ in range(repeats):
        wall, last = tributary_run(pipeline, user)
        walls.append(wall)
        scripts.append(script(path, trees, depth))
    wall, base = statistics.median(walls), statistics.median(scripts)
    print(f"{rows} rows, forest of {trees} trees (depth {depth}), {repeats} runs each:")
    print(f"  tributary {wall:.2f} s ({min(walls):.2f}-{max(walls):.2f})")
    print(f"  script    {base:.2f} s ({min(scripts):.2f}-{max(scripts):.2f})")
    print(f"  ratio {wall / base:.2f}x, {wall - base:+.2f} s over the script")
    if rows == int(os.environ.get("BENCH_ROWS", "10000").split(",")[0]):
        print(f"  first (cold) run / warm run: {cold / wall:.2f}x (aim <= 2x)")
    if last is not None:
        print(f"  steps of the last run (s): {step_times(last)}")


if __name__ == "__main__":
    main()
