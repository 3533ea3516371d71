"""Steps never stall silently: a lost message is sent again after a bound proportional to the
lease, one still waiting in its queue is not (no flood of duplicates behind busy workers), and
a step task retried after a database error takes its own lease back, never another's.

No worker runs here: on_commit callbacks are captured, and messages go to a queue of the test's
own that nothing consumes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from backend.engine import reaper, tasks
from backend.engine.celery import app
from backend.engine.leases import step_claim
from backend.pipelines.models import StepRun, StepStatus
from backend.pipelines.runs.services import run_start
from tests.factories import PipelineFactory, UserFactory
from tests.graphs import node

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue name no worker listens on; emptied afterwards."""
    name = f"st{uuid.uuid4().hex[:8]}"  # the step row keeps at most 10 characters
    yield name
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for priority in channel.priority_steps:
            channel.client.delete(channel._q_for_pri(name, priority))
        channel.client.delete(f"{channel.keyprefix_queue % name}")


@pytest.fixture
def queued_step(queue: str, settings: Any) -> StepRun:
    """The queued first step of a new run, on `queue`, queued two bounds ago."""
    import tests.engine.plugin_blocks  # noqa: F401  (validation needs the test blocks)

    settings.STEP_LEASE_SECONDS, settings.STEP_REQUEUE_LEASES = 3, 2
    pipeline = PipelineFactory(graph={"nodes": [node("src", "ingest.test_chatter")], "edges": []})
    run = run_start(pipeline=pipeline, user=UserFactory())
    step = run.steps.get(node_id="src")
    assert step.status == StepStatus.QUEUED
    step.queue, step.queued_at = queue, timezone.now() - timedelta(seconds=12)
    step.save(update_fields=["queue", "queued_at"])
    return step


def send(step: StepRun) -> None:
    """Put the step's message in its queue, as scheduling does."""
    app.send_task(
        "backend.engine.tasks.execute_step", args=(step.pk, step.attempt), queue=step.queue
    )


def requeue(capture: Any) -> tuple[list[int], int]:
    """Run the reaper's re-send; which steps it re-sent and how many messages it sent."""
    with capture(execute=True) as callbacks:
        resent = reaper.requeue_lost_messages(timezone.now())
    return resent, len(callbacks)


def test_the_bound_is_proportional_to_the_lease(settings: Any) -> None:
    settings.STEP_LEASE_SECONDS, settings.STEP_REQUEUE_LEASES = 30, 1
    assert reaper.requeue_after() == 30
    settings.STEP_LEASE_SECONDS = 4
    assert reaper.requeue_after() == 4


def test_a_lost_message_is_sent_again_once(
    queued_step: StepRun, django_capture_on_commit_callbacks: Any
) -> None:
    assert reaper.broker_step_messages({queued_step.queue}) == {}
    assert requeue(django_capture_on_commit_callbacks) == ([queued_step.pk], 1)
    found = reaper.broker_step_messages({queued_step.queue})
    assert found == {(queued_step.pk, queued_step.attempt): reaper.WAITING}
    # Sent again just now: the next pass leaves it alone (its message now waits in the queue).
    assert requeue(django_capture_on_commit_callbacks) == ([], 0)


def test_a_message_waiting_behind_busy_workers_is_not_duplicated(
    queued_step: StepRun, django_capture_on_commit_callbacks: Any
) -> None:
    send(queued_step)
    for _ in range(3):
        assert requeue(django_capture_on_commit_callbacks) == ([], 0)
    assert reaper.broker_step_messages({queued_step.queue}) == {
        (queued_step.pk, queued_step.attempt): reaper.WAITING
    }


def test_a_step_queued_recently_is_not_looked_at(
    queued_step: StepRun, django_capture_on_commit_callbacks: Any
) -> None:
    StepRun.objects.filter(pk=queued_step.pk).update(queued_at=timezone.now())
    assert requeue(django_capture_on_commit_callbacks) == ([], 0)


def test_a_message_taken_long_ago_and_never_acknowledged_is_sent_again(
    queued_step: StepRun, django_capture_on_commit_callbacks: Any
) -> None:
    # What a worker that took the message and then vanished leaves in Redis (kombu's QoS).
    send(queued_step)
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        key = channel._q_for_pri(queued_step.queue, 0)
        raw = channel.client.rpop(key)
        tag = f"stall-{uuid.uuid4().hex}"
        envelope = f'[{raw.decode()}, "{queued_step.queue}", "{queued_step.queue}"]'
        channel.client.hset(channel.unacked_key, tag, envelope)
        channel.client.zadd(channel.unacked_index_key, {tag: time.time()})
        try:
            # Taken a moment ago: a worker is on it.
            assert requeue(django_capture_on_commit_callbacks) == ([], 0)
            channel.client.zadd(channel.unacked_index_key, {tag: time.time() - 60})
            assert requeue(django_capture_on_commit_callbacks) == ([queued_step.pk], 1)
        finally:
            channel.client.hdel(channel.unacked_key, tag)
            channel.client.zrem(channel.unacked_index_key, tag)


def test_a_retry_after_a_database_error_takes_its_own_lease_back(queued_step: StepRun) -> None:
    claimed = step_claim(step_id=queued_step.pk, attempt=queued_step.attempt, worker="w:1")
    assert claimed is not None
    attempt = queued_step.attempt
    # A redelivery of the same message (not a retry) is stale: the attempt is running.
    assert step_claim(step_id=queued_step.pk, attempt=attempt, worker="w:2") is None
    # The task's own retry after it failed on a database error resumes it.
    resumed = step_claim(step_id=queued_step.pk, attempt=attempt, worker="w:2", resume=True)
    assert resumed is not None and resumed[1].worker == "w:2"
    # A retry of an attempt the reaper has since replaced is stale.
    StepRun.objects.filter(pk=queued_step.pk).update(attempt=attempt + 1)
    assert step_claim(step_id=queued_step.pk, attempt=attempt, worker="w:3", resume=True) is None
    # So is one of a step that has finished.
    StepRun.objects.filter(pk=queued_step.pk).update(attempt=attempt, status=StepStatus.SUCCEEDED)
    assert step_claim(step_id=queued_step.pk, attempt=attempt, worker="w:3", resume=True) is None


def test_the_step_task_retries_database_and_broker_errors_with_backoff_and_jitter() -> None:
    task = tasks.execute_step
    assert OperationalError in task.autoretry_for
    assert BrokerError in task.autoretry_for
    assert task.retry_backoff and task.retry_jitter and task.max_retries
    assert app.conf.task_publish_retry and app.conf.task_publish_retry_policy["max_retries"]
