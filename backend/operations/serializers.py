"""Shapes of the operations endpoints: workers, queues, and why a queued step waits."""

from __future__ import annotations

from rest_framework import serializers

REASONS = ["no_worker", "all_busy", "broker_unreachable", "database_full", "retrying"]


class StepWaitSerializer(serializers.Serializer):
    """Why one queued step has not started."""

    step_id = serializers.IntegerField()
    node_id = serializers.CharField()
    queue = serializers.CharField()
    position = serializers.IntegerField(help_text="1 for the next step its queue hands out.")
    queued_ahead = serializers.IntegerField(
        help_text="Queued steps of any run sent to the same queue before this one."
    )
    broker_depth = serializers.IntegerField(
        allow_null=True, help_text="Messages waiting in the broker on this queue."
    )
    workers = serializers.IntegerField(
        allow_null=True, help_text="Online workers serving the queue (null: broker unreachable)."
    )
    idle_workers = serializers.IntegerField(allow_null=True)
    reason = serializers.ChoiceField(
        choices=REASONS,
        allow_null=True,
        help_text="Set only when no worker can take the step now.",
    )
    message = serializers.CharField(help_text="The one line shown beside the step.")


class RunWaitingSerializer(serializers.Serializer):
    """The queued steps of a run and why each waits (empty when none is queued)."""

    run = serializers.IntegerField()
    steps = StepWaitSerializer(many=True)


class GpuDeviceSerializer(serializers.Serializer):
    """A GPU a worker sees, memory in bytes."""

    index = serializers.IntegerField()
    name = serializers.CharField()
    memory_total = serializers.IntegerField()
    memory_used = serializers.IntegerField()


class CurrentStepSerializer(serializers.Serializer):
    """A step a worker is executing, in a workspace the caller belongs to."""

    step_id = serializers.IntegerField()
    node_id = serializers.CharField()
    run_id = serializers.IntegerField()
    workspace = serializers.CharField()
    pipeline_name = serializers.CharField()


class WorkerSerializer(serializers.Serializer):
    """An online worker."""

    name = serializers.CharField()
    queues = serializers.ListField(child=serializers.CharField())
    concurrency = serializers.IntegerField()
    task_count = serializers.IntegerField(help_text="Tasks it is executing now.")
    idle = serializers.BooleanField(help_text="A pool process is free to start a message.")
    steps = CurrentStepSerializer(
        many=True, help_text="Its current steps the caller may see; other teams' are left out."
    )
    other_tasks = serializers.IntegerField(
        help_text="Tasks it executes that are not listed in steps (other teams', housekeeping)."
    )
    devices = GpuDeviceSerializer(
        many=True, allow_null=True, help_text="Its GPUs; null on a worker off the gpu queue."
    )


class QueueSerializer(serializers.Serializer):
    """A queue: messages waiting in the broker, queued steps, and the workers that serve it."""

    name = serializers.CharField()
    depth = serializers.IntegerField(allow_null=True, help_text="Messages waiting in the broker.")
    queued_steps = serializers.IntegerField(help_text="Steps in status queued on this queue.")
    workers = serializers.IntegerField()
    idle_workers = serializers.IntegerField()


class BrokerSerializer(serializers.Serializer):
    """Whether the broker answered; `message` says what went wrong when it did not."""

    reachable = serializers.BooleanField()
    message = serializers.CharField(allow_null=True)


class OperationsSerializer(serializers.Serializer):
    """Online workers, queues and the broker, as read a moment ago."""

    broker = BrokerSerializer()
    workers = WorkerSerializer(many=True)
    queues = QueueSerializer(many=True)
