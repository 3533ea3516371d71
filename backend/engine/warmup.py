"""Warm processes: the heavy libraries that blocks and serving import, imported at start.

Blocks import pandas, pyarrow, scikit-learn and torch inside the functions that need them, so
that the catalogue stays light to load (the web process, `manage.py`, tests). A worker that
did the same would make the first run after its start pay seconds per step for imports. So a
worker imports them once when it starts, in its parent process before the pool forks (every
child inherits them, loaded), and torch only where the worker serves the ``gpu`` queue. The web
process warms what predict needs (the model formats and scikit-learn) at start-up.

Each pool child also starts its event writer (backend.engine.events.writer) as it starts.
Importing is all the parent does: no CUDA context is created before the pool forks (a forked child
cannot use one its parent made), and no thread is started.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Iterable
from typing import Any

from backend.engine.events.writer import shared_writer

logger = logging.getLogger(__name__)

#: What every worker imports: tables, Parquet, and the scikit-learn parts the blocks use.
WORKER_MODULES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "pyarrow.compute",
    "sklearn",
    "sklearn.datasets",
    "sklearn.model_selection",
    "sklearn.impute",
    "sklearn.preprocessing",
    "sklearn.decomposition",
    "sklearn.linear_model",
    "sklearn.ensemble",
    "sklearn.svm",
    "sklearn.neighbors",
    "sklearn.metrics",
    "skops.io",
    "backend.engine.modelio",
)
#: What a worker serving the ``gpu`` queue imports too.
GPU_MODULES: tuple[str, ...] = ("torch", "torch.nn")
#: What the web process imports for its first predict.
SERVING_MODULES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "sklearn",
    "sklearn.ensemble",
    "sklearn.linear_model",
    "skops.io",
    "backend.engine.modelio",
)


def warm_imports(modules: Iterable[str]) -> list[str]:
    """Import `modules`; returns those that could not be (an optional extra not installed).

    A module that fails to import is logged and skipped: the step that needs it reports the
    error where it happens, as it would have without warming.
    """
    missing = []
    started = time.perf_counter()
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # ImportError, or a broken install: the step will say so
            logger.warning("could not import %s while warming up", name, exc_info=True)
            missing.append(name)
    logger.info("warmed imports in %.2f s", time.perf_counter() - started)
    return missing


def worker_modules(queues: Iterable[str]) -> tuple[str, ...]:
    """What a worker consuming `queues` imports at start."""
    return WORKER_MODULES + (GPU_MODULES if "gpu" in set(queues) else ())


def warm_worker(queues: Iterable[str]) -> list[str]:
    """Import what the blocks of a worker consuming `queues` need; returns what was missing."""
    return warm_imports(worker_modules(queues))


def on_worker_start(options: dict[str, Any] | None = None, **_: Any) -> None:
    """Celery's ``celeryd_init`` receiver: warm the worker's parent before its pool forks.

    A worker started without ``-Q`` consumes every queue, ``gpu`` included.
    """
    queues = (options or {}).get("queues") or ("cpu", "gpu")
    if isinstance(queues, str):
        queues = queues.split(",")
    warm_worker(queues)


def on_worker_process_start(**_: Any) -> None:
    """Celery's ``worker_process_init`` receiver: start the pool child's event writer (a
    helper process that boots Django, seconds on a busy machine) before its first step."""
    shared_writer().start()


def warm_serving() -> list[str]:
    """Import what the web process's first predict needs; returns what was missing."""
    return warm_imports(SERVING_MODULES)
