"""The seeded example, end to end on a real worker: from the API and from run_pipeline."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from backend.engine.artifacts import default_store
from backend.engine.modelio import load_model
from backend.engine.values_io import load_value
from backend.pipelines.management.commands.seed_demo import example_graph
from backend.pipelines.models import Artifact, ModelVersion, Run
from tests.conftest import Team
from tests.engine.conftest import wait_for_run
from tests.factories import PipelineFactory
from tests.workers import RunningWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]


def direct_sklearn_metrics() -> tuple[dict[str, float], np.ndarray]:
    """The same pipeline written by hand with scikit-learn, same seeds."""
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    frame = load_iris(as_frame=True).frame
    train, test = train_test_split(
        frame, test_size=0.25, random_state=0, stratify=frame["target"], shuffle=True
    )
    features = [c for c in frame.columns if c != "target"]
    scaler = StandardScaler().fit(train[features])
    forest = RandomForestClassifier(n_estimators=100, random_state=0)
    forest.fit(scaler.transform(train[features]), train["target"])
    predicted = forest.predict(scaler.transform(test[features]))
    metrics = {
        "accuracy": accuracy_score(test["target"], predicted),
        "f1": f1_score(test["target"], predicted, average="macro"),
    }
    return metrics, predicted


def artifact(run: Run, node: str, port: str) -> Artifact:
    return Artifact.objects.get(step__run=run, step__node_id=node, port=port)


def test_iris_example_from_the_api(team: Team, engine_worker: RunningWorker) -> None:
    pipeline = PipelineFactory(workspace=team.workspace, name="Iris", graph=example_graph())
    response = team.client("editor").post(team.url(f"pipelines/{pipeline.pk}/runs/"), {})
    assert response.status_code == 201

    run = wait_for_run(Run.objects.get(pk=response.json()["id"]), timeout=180)

    assert run.status == "succeeded", run.error
    metrics = artifact(run, "evaluate", "metrics").metadata["values"]
    expected, _ = direct_sklearn_metrics()
    assert metrics["accuracy"] >= 0.9
    assert metrics["accuracy"] == pytest.approx(expected["accuracy"], abs=1e-12)
    assert metrics["f1"] == pytest.approx(expected["f1"], abs=1e-12)

    figure = artifact(run, "evaluate", "confusion_matrix")
    preview = team.client("viewer").get(team.url(f"artifacts/{figure.pk}/preview/")).json()
    assert preview["data"]["type"] == "heatmap"
    assert np.asarray(preview["data"]["values"]).sum() == metrics["n_test"]

    version = ModelVersion.objects.get(workspace=team.workspace, name="iris-classifier")
    assert version.version == 1 and version.run_id == run.pk
    assert version.metrics["accuracy"] == metrics["accuracy"]
    assert [c["name"] for c in version.signature] == [
        "sepal length (cm)",
        "sepal width (cm)",
        "petal length (cm)",
        "petal width (cm)",
    ]
    # The published model predicts from the RAW rows ingest saw: the scaling travels with it.
    with default_store().open(version.artifact.digest) as handle:
        model = load_model(handle.read())
    test_table = load_value(
        default_store(),
        "table",
        artifact(run, "split", "test").digest,
        artifact(run, "split", "test").metadata,
    )
    _, expected_predictions = direct_sklearn_metrics()
    raw = test_table.frame.drop(columns=["target"])
    assert list(model.predict(raw)) == list(expected_predictions)


def test_run_pipeline_command_prints_statuses(team: Team, engine_worker: RunningWorker) -> None:
    PipelineFactory(workspace=team.workspace, name="Iris", graph=example_graph())
    out = io.StringIO()
    with redirect_stdout(out):
        call_command("run_pipeline", team.workspace.slug, "Iris", "--wait", stdout=out)
    text = out.getvalue()
    for node in ("iris", "split", "scale", "forest", "evaluate", "publish"):
        assert f"{node}" in text
    assert "succeeded" in text and text.strip().endswith("succeeded")

    with pytest.raises(CommandError, match="no pipeline 'nope'"):
        call_command("run_pipeline", team.workspace.slug, "nope")


def test_run_pipeline_command_reports_invalid_graphs(team: Team) -> None:
    graph = example_graph()
    graph["edges"] = [e for e in graph["edges"] if e["target"] != "forest"]
    PipelineFactory(workspace=team.workspace, name="Broken", graph=graph)
    with pytest.raises(CommandError, match="forest"):
        call_command("run_pipeline", team.workspace.slug, "Broken")
