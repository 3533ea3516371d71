"""The Celery app: Redis broker, the ``cpu`` and ``gpu`` queues, and task routing.

A worker on a machine with a GPU runs ``-Q gpu``; elsewhere one worker serves both queues and
torch falls back to the CPU. Settings come from Django's settings (CELERY_* names).
"""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

QUEUES = ("cpu", "gpu")

app = Celery("tributary")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue has its own direct exchange: a message for gpu can never land on cpu.
app.conf.task_queues = tuple(Queue(name, Exchange(name), routing_key=name) for name in QUEUES)
app.conf.task_default_queue = "cpu"
# Steps are routed per message (the block's queue); everything else stays on cpu.
app.conf.task_routes = {"backend.engine.tasks.*": {"queue": "cpu"}}
app.conf.broker_connection_retry_on_startup = True
app.autodiscover_tasks(["backend.engine"])
