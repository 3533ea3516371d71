"""A Tributary Celery app whose worker profiles every step it runs (bench/orchestration.py's
``BENCH_PROFILE=path``): ``celery -A bench.profiled_worker worker``.

Each worker process samples its step attempts with pyinstrument and, when it exits, writes the
combined profile as text to ``<path>.<pid>.txt``, so that where a step's time goes (claim,
events, block, outputs, outcome, dispatch) can be read off it.
"""

from __future__ import annotations

import os
from typing import Any

from celery.signals import worker_process_init, worker_process_shutdown
from pyinstrument import Profiler

from backend.engine.celery import app

__all__ = ["app"]

_profiler = Profiler(interval=0.0005)


@worker_process_init.connect
def _wrap_steps(**_: Any) -> None:
    """Profile every call of the executor (Django is set up by now)."""
    from backend.engine import executor

    plain = executor.execute_step

    def profiled(*args: Any, **kwargs: Any) -> str:
        _profiler.start()
        try:
            return plain(*args, **kwargs)
        finally:
            _profiler.stop()

    executor.execute_step = profiled


@worker_process_shutdown.connect
def _write_profile(**_: Any) -> None:
    path = os.environ.get("BENCH_PROFILE")
    if path and _profiler.last_session is not None:
        with open(f"{path}.{os.getpid()}.txt", "w") as out:
            out.write(_profiler.output_text(unicode=False, show_all=False))
        with open(f"{path}.{os.getpid()}.all.txt", "w") as out:
            out.write(_profiler.output_text(unicode=False, show_all=True))
