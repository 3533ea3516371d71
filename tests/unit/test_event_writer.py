"""The event writer: a helper process that saves a step's events in order, and what happens
when it dies. On the real database, committed (the helper has its own connection)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from backend.engine.events.buffer import StepEventBuffer
from backend.engine.events.store import Batch
from backend.engine.events.writer import EventWriter
from backend.pipelines.models import LogEntry, MetricPoint, Run, RunEvent, StepRun
from tests.factories import PipelineVersionFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def step() -> StepRun:
    version = PipelineVersionFactory()
    run = Run.objects.create(
        workspace=version.pipeline.workspace, pipeline=version.pipeline, version=version
    )
    return StepRun.objects.create(run=run, node_id="a", block_key="x.a", status="running")


@pytest.fixture
def writer() -> Iterator[EventWriter]:
    writer = EventWriter()
    # Until the helper says it is set up, batches are saved in this process: wait, so that the
    # tests exercise the helper.
    assert writer.wait_ready(60)
    yield writer
    writer.close()


def stored(step: StepRun) -> list[tuple[int, str]]:
    return list(LogEntry.objects.filter(step=step).order_by("seq").values_list("seq", "message"))


def test_batches_are_saved_in_order_and_a_flush_waits_for_them(
    step: StepRun, writer: EventWriter
) -> None:
    events = StepEventBuffer(run_id=step.run_id, step_id=step.pk, node_id="a", max_batch=300)
    events.writer = writer
    for i in range(1000):
        events.log(f"line {i}")
    events.flush(wait=False)  # handed over, maybe not saved yet
    for i in range(1000, 2000):
        events.log(f"line {i}")
    events.metric("loss", 0.5, 3)
    events.progress(0.5)

    assert events.flush() == 1001  # returns once everything, the first 1000 too, is saved

    assert stored(step) == [(i + 1, f"line {i}") for i in range(2000)]
    assert list(MetricPoint.objects.filter(step=step).values_list("seq", "key")) == [(2001, "loss")]
    assert StepRun.objects.get(pk=step.pk).progress == 0.5
    progress = RunEvent.objects.get(run_id=step.run_id, type="progress")
    assert (progress.seq, progress.node, progress.payload) == (2002, "a", {"progress": 0.5})
    assert Run.objects.get(pk=step.run_id).last_seq == 2002


def test_when_the_writer_dies_nothing_is_lost_or_saved_twice(
    step: StepRun, writer: EventWriter
) -> None:
    def batch(first: int) -> Batch:
        events = StepEventBuffer(run_id=step.run_id, step_id=step.pk, node_id="a")
        for i in range(first, first + 100):
            events.log(f"line {i}")
        return Batch(step.run_id, step.pk, "a", events._pending)

    writer.submit(batch(0))
    writer.sync()
    writer.submit(batch(100))  # saved by the helper, which dies before it says so
    deadline = time.monotonic() + 30
    while LogEntry.objects.filter(step=step).count() < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    writer._process.kill()  # type: ignore[union-attr]
    writer._process.wait()  # type: ignore[union-attr]

    writer.submit(batch(200))  # the pipe is broken: saved here, as is what was unconfirmed
    writer.submit(batch(300))
    writer.sync()

    assert [message for _, message in stored(step)] == [f"line {i}" for i in range(400)]
    assert [seq for seq, _ in stored(step)] == list(range(1, 401))
