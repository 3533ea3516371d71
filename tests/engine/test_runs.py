"""Runs on a real Celery worker: ordering, parallel branches, failure, cancel and caching."""

from __future__ import annotations

import pytest

from backend.pipelines.models import Artifact, LogEntry, MetricPoint, Run, RunEvent
from tests.conftest import Team
from tests.engine.conftest import start, wait_for_run, wait_for_step
from tests.factories import PipelineFactory
from tests.graphs import edge, node
from tests.workers import RunningWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]


def statuses(run: Run) -> dict[str, str]:
    return dict(run.steps.values_list("node_id", "status"))


def test_chain_runs_in_order_and_records_everything(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [node("a", "ingest.test_chatter", lines=5), node("b", "feature.test_sleep")],
        "edges": [edge("a", "b")],
    }
    graph["nodes"][1]["config"] = {"seconds": 0.2}

    run = wait_for_run(start(team, graph))

    assert run.status == "succeeded", run.error
    assert statuses(run) == {"a": "succeeded", "b": "succeeded"}
    a, b = run.steps.get(node_id="a"), run.steps.get(node_id="b")
    assert a.finished_at <= b.started_at
    assert (a.attempt, b.attempt) == (1, 1) and b.worker and b.progress == 1.0
    assert Artifact.objects.filter(step__run=run).count() == 2
    lines = list(LogEntry.objects.filter(step=a).values_list("message", flat=True))
    assert [line for line in lines if line.startswith("line ")] == [f"line {i}" for i in range(5)]
    # Logs, metric values, statuses and progress share one sequence, without gaps.
    seqs = list(LogEntry.objects.filter(run=run).values_list("seq", flat=True))
    seqs += list(MetricPoint.objects.filter(run=run).values_list("seq", flat=True))
    seqs += list(RunEvent.objects.filter(run=run).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, run.last_seq + 1)), "sequence numbers have gaps"
    statuses_of_b = RunEvent.objects.filter(run=run, node="b", type="step.status")
    assert [e.payload["status"] for e in statuses_of_b] == ["queued", "running", "succeeded"]

    detail = team.client("viewer").get(team.url(f"runs/{run.pk}/")).json()
    assert [s["node_id"] for s in detail["steps"]] == ["a", "b"]
    table = detail["steps"][1]["outputs"][0]
    preview = team.client("viewer").get(team.url(f"artifacts/{table['id']}/preview/")).json()
    assert preview["columns"] == ["x", "seed", "pid"] and len(preview["rows"]) == 3
    logs = team.client("viewer").get(team.url(f"runs/{run.pk}/logs/?node=a")).json()
    assert {entry["node"] for entry in logs["results"]} == {"a"}


def test_diamond_branches_run_in_parallel_on_two_processes(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [
            node("src", "ingest.test_chatter"),
            node("left", "feature.test_sleep", seconds=2.0, tag="left"),
            node("right", "feature.test_sleep", seconds=2.0, tag="right"),
            node("join", "feature.test_join"),
        ],
        "edges": [
            edge("src", "left"),
            edge("src", "right"),
            edge("left", "join", target_port="left"),
            edge("right", "join", target_port="right"),
        ],
    }

    run = wait_for_run(start(team, graph))

    assert run.status == "succeeded", run.error
    left, right, join = (run.steps.get(node_id=n) for n in ("left", "right", "join"))
    assert left.worker != right.worker, "both branches ran in the same process"
    assert left.started_at < right.finished_at and right.started_at < left.finished_at
    assert join.started_at >= max(left.finished_at, right.finished_at)


def test_failing_block_skips_downstream_and_lets_other_branches_finish(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [
            node("src", "ingest.test_chatter"),
            node("bad", "feature.test_explode"),
            node("after_bad", "feature.test_sleep", seconds=0.1),
            node("good", "feature.test_sleep", seconds=0.5),
        ],
        "edges": [edge("src", "bad"), edge("bad", "after_bad"), edge("src", "good")],
    }

    run = wait_for_run(start(team, graph))

    assert run.status == "failed"
    assert statuses(run) == {
        "src": "succeeded",
        "bad": "failed",
        "after_bad": "skipped",
        "good": "succeeded",
    }
    bad = run.steps.get(node_id="bad")
    assert bad.error_message == "boom: the block broke"
    assert "ValueError" in bad.error_traceback and bad.attempt == 1  # a bug is not retried
    assert "step 'bad' failed: boom" in run.error
    assert "upstream step 'bad' failed" in run.steps.get(node_id="after_bad").error_message
    assert LogEntry.objects.filter(step=bad, level="error").exists()


def test_a_blocks_own_lookup_error_is_a_bug_retried_by_its_policy(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [node("src", "ingest.test_chatter"), node("bug", "feature.test_lookup_bug")],
        "edges": [edge("src", "bug")],
    }

    run = wait_for_run(start(team, graph))

    bug = run.steps.get(node_id="bug")
    assert (run.status, bug.status) == ("failed", "failed")
    assert bug.attempt == 2, "KeyError is in the block's retry_on, so it was retried"
    assert bug.error_message == "KeyError: 'columns'"
    assert "Traceback" in bug.error_traceback and "KeyError" in bug.error_traceback


def test_cancel_stops_a_running_step_and_the_queued_ones(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [
            node("src", "ingest.test_chatter"),
            node("slow", "feature.test_sleep", seconds=60),
            node("after", "feature.test_sleep", seconds=0.1),
        ],
        "edges": [edge("src", "slow"), edge("slow", "after")],
    }
    run = start(team, graph)
    wait_for_step(run, "slow", "running")

    response = team.client("editor").post(team.url(f"runs/{run.pk}/cancel/"))
    assert response.status_code == 200 and response.json()["cancel_requested"] is True
    run = wait_for_run(run, timeout=30)

    assert run.status == "cancelled"
    assert statuses(run) == {"src": "succeeded", "slow": "cancelled", "after": "cancelled"}
    again = team.client("editor").post(team.url(f"runs/{run.pk}/cancel/"))
    assert again.status_code == 409 and again.json()["field"] == "run"


def test_viewer_cannot_start_or_cancel(team: Team) -> None:
    pipeline = PipelineFactory(workspace=team.workspace)
    response = team.client("viewer").post(team.url(f"pipelines/{pipeline.pk}/runs/"), {})
    assert response.status_code == 403
    assert not Run.objects.exists()


def test_cache_hit_when_unchanged_and_miss_after_config_change(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [node("src", "ingest.test_chatter", seed=1), node("s", "feature.test_sleep")],
        "edges": [edge("src", "s")],
    }
    graph["nodes"][1]["config"] = {"seconds": 0.1}
    pipeline = PipelineFactory(workspace=team.workspace, graph=graph)
    runs_url = team.url(f"pipelines/{pipeline.pk}/runs/")
    client = team.client("editor")

    first = wait_for_run(Run.objects.get(pk=client.post(runs_url, {}).json()["id"]))
    second = wait_for_run(Run.objects.get(pk=client.post(runs_url, {}).json()["id"]))

    assert statuses(second) == {"src": "cached", "s": "cached"}
    assert second.version_id == first.version_id, "an unchanged draft reuses its version"
    cached = second.steps.get(node_id="s")
    assert cached.cached_from.run_id == first.pk
    assert cached.outputs.get().digest == first.steps.get(node_id="s").outputs.get().digest
    detail = team.client("viewer").get(team.url(f"runs/{second.pk}/")).json()
    assert detail["steps"][1]["cached_from_run"] == first.pk
    # A cached step carries the metrics of the step it reused, as events of its own run.
    measured = MetricPoint.objects.filter(run=first, step__node_id="src")
    assert measured.exists(), "test_chatter records a metric"
    copied = MetricPoint.objects.filter(run=second).order_by("seq")
    fields = ("step__node_id", "key", "value", "index")
    assert list(copied.values_list(*fields)) == list(measured.order_by("seq").values_list(*fields))
    second.refresh_from_db()
    copied_seqs = [p.seq for p in copied]
    assert copied_seqs == list(range(copied_seqs[0], copied_seqs[0] + len(copied_seqs)))
    assert second.last_seq > copied_seqs[-1]  # the cached step's status follows its metrics
    listed = team.client("viewer").get(team.url(f"runs/{second.pk}/metrics/?after=0")).json()
    assert [(m["node"], m["key"]) for m in listed["results"]] == [
        (node, key) for node, key, _, _ in copied.values_list(*fields)
    ]

    graph["nodes"][1]["config"] = {"seconds": 0.2}
    revision = pipeline.revision
    client.patch(
        team.url(f"pipelines/{pipeline.pk}/"), {"graph": graph, "revision": revision}, format="json"
    )
    third = wait_for_run(Run.objects.get(pk=client.post(runs_url, {}).json()["id"]))
    assert statuses(third) == {"src": "cached", "s": "succeeded"}

    fourth = client.post(runs_url, {"use_cache": False}, format="json").json()
    fourth = wait_for_run(Run.objects.get(pk=fourth["id"]))
    assert statuses(fourth) == {"src": "succeeded", "s": "succeeded"}


def test_from_node_reruns_it_and_downstream_and_reuses_the_rest(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [
            node("src", "ingest.test_chatter", seed=7),
            node("mid", "feature.test_sleep", seconds=0.1),
            node("end", "feature.test_sleep", seconds=0.1, tag="end"),
        ],
        "edges": [edge("src", "mid"), edge("mid", "end")],
    }
    pipeline = PipelineFactory(workspace=team.workspace, graph=graph)
    runs_url = team.url(f"pipelines/{pipeline.pk}/runs/")
    client = team.client("editor")
    wait_for_run(Run.objects.get(pk=client.post(runs_url, {}).json()["id"]))

    rerun = client.post(runs_url, {"from_node": "mid"}, format="json").json()
    rerun = wait_for_run(Run.objects.get(pk=rerun["id"]))

    assert statuses(rerun) == {"src": "cached", "mid": "succeeded", "end": "succeeded"}
    bad = client.post(runs_url, {"from_node": "nope"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "from_node"


def test_invalid_graph_is_refused_before_anything_runs(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {"nodes": [node("a", "feature.test_sleep")], "edges": []}
    pipeline = PipelineFactory(workspace=team.workspace, graph=graph)

    response = team.client("editor").post(team.url(f"pipelines/{pipeline.pk}/runs/"), {})

    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["node"] == "a" and body["errors"][0]["port"] == "table"
    assert not Run.objects.exists()


def test_python_logging_and_warnings_land_in_the_step_log(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [node("src", "ingest.test_chatter"), node("noisy", "feature.test_noisy")],
        "edges": [edge("src", "noisy")],
    }

    run = wait_for_run(start(team, graph))

    assert run.status == "succeeded", run.error
    logs = set(
        LogEntry.objects.filter(step__node_id="noisy", run=run).values_list("level", "message")
    )
    assert ("info", "user.code: hello from logging") in logs
    assert ("error", "user.code: an error from logging") in logs
    assert ("warning", "DeprecationWarning: this option is deprecated") in logs


def test_torch_block_trains_on_cpu_with_metrics_per_epoch(
    team: Team, engine_worker: RunningWorker
) -> None:
    graph = {
        "nodes": [
            node("iris", "ingest.sample", name="iris"),
            node("split", "feature.split", seed=0),
            node("scale", "feature.scale"),
            node("mlp", "train.torch_mlp", epochs=30, hidden_layers=[16], learning_rate=0.01),
            node("evaluate", "evaluate.classification"),
        ],
        "edges": [
            edge("iris", "split"),
            edge("split", "scale", "train", "train"),
            edge("split", "scale", "test", "test"),
            edge("scale", "mlp", "train", "train"),
            edge("mlp", "evaluate", "model", "model"),
            edge("scale", "evaluate", "test", "test"),
        ],
    }

    run = wait_for_run(start(team, graph), timeout=180)

    assert run.status == "succeeded", run.error
    mlp = run.steps.get(node_id="mlp")
    assert mlp.queue == "gpu" and mlp.progress == 1.0
    losses = list(
        MetricPoint.objects.filter(step=mlp, key="loss")
        .order_by("index")
        .values_list("index", flat=True)
    )
    assert len(losses) == 30 and losses == sorted(losses)
    assert LogEntry.objects.filter(step=mlp, message__contains="on cpu").exists()
    accuracy = Artifact.objects.get(step__run=run, step__node_id="evaluate", port="metrics")
    assert accuracy.metadata["values"]["accuracy"] > 0.8
