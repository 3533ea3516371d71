"""The Celery app: Redis broker, the ``cpu`` and ``gpu`` queues, and task routing.

A worker on a machine with a GPU runs ``-Q gpu``; elsewhere one worker serves both queues and
torch falls back to the CPU. Settings come from Django's settings (CELERY_* names).
"""

import os

from celery import Celery
from celery.signals import celeryd_init, worker_process_init
from kombu import Exchange, Queue

from backend.engine.warmup import on_worker_process_start, on_worker_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

QUEUES = ("cpu", "gpu")

app = Celery("tributary")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue has its own direct exchange: a message for gpu can never land on cpu.
app.conf.task_queues = tuple(Queue(name, Exchange(name), routing_key=name) for name in QUEUES)
app.conf.task_default_queue = "cpu"
# Steps are routed per message (the block's queue); everything else stays on cpu.
app.conf.task_routes = {"backend.engine.tasks.*": {"queue": "cpu"}}
# A step whose pool child dies is retried at once, not when its lease runs out (by name: no cycle).
app.conf.task_annotations = {
    "backend.engine.tasks.execute_step": {"Request": "backend.engine.lost_workers:StepRequest"}
}
app.conf.broker_connection_retry_on_startup = True
# Workers register the inspect command the operations page and "why a step waits" ask for.
app.conf.imports = ("backend.engine.workers",)
# pandas, scikit-learn (torch for gpu) imported once in the parent, before the pool forks.
celeryd_init.connect(on_worker_start, weak=False)
worker_process_init.connect(on_worker_process_start, weak=False)
app.autodiscover_tasks(["backend.engine"])
