"""Who is serving the queues: online Celery workers and the messages waiting for them.

Everything here is read from Celery itself, never from a registry of our own:

- Workers are found with one broadcast of the ``tributary_worker`` inspect command defined
  below (the queues a worker consumes, its concurrency, the steps it is executing or holds
  prefetched, and its GPU). A worker that does not know that command (another version of this
  code) is asked again with Celery's built-in ``active_queues``, ``active``, ``reserved``,
  ``scheduled`` and ``stats``, addressed to it alone. A worker knows the command once it has
  imported this module: at start, Django's admin autodiscovery imports backend.pipelines.admin,
  which uses it.
- Queue depths are the broker's own counts (a passive queue declare; on Redis the length of the
  queue's lists, every priority included).

Invariants:

- Nothing here waits longer than the timeout it is given: the broker connection is tried once
  with that bound, and an inspect collects replies for at most that long. A broker that cannot be
  reached raises `BrokerUnavailable`; a worker that does not answer in time is simply not listed.
- A worker's current steps come from the arguments of its ``execute_step`` messages
  ``(step_id, attempt)``; the database stays the truth about what a step is doing.
- GPU facts are read through NVML (``pynvml``) or ``nvidia-smi``, never ``torch.cuda``, in the
  worker's main process: initialising CUDA there would break CUDA in the pool processes forked
  after it. A worker that serves no ``gpu`` queue reports no device.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from celery.worker import state as worker_state
from celery.worker.control import inspect_command
from celery.worker.request import Request
from kombu import Connection
from kombu.exceptions import ChannelError

from backend.engine.celery import QUEUES, app

STEP_TASK = "backend.engine.tasks.execute_step"
#: The inspect command every worker of this code answers (registered when this module loads).
STATUS_COMMAND = "tributary_worker"
#: The queue whose workers report their device.
GPU_QUEUE = "gpu"


class BrokerUnavailable(RuntimeError):
    """The Celery broker (Redis) could not be reached within the timeout."""


@dataclass(frozen=True)
class GpuDevice:
    """One GPU a worker sees: its index, name and memory in bytes."""

    index: int
    name: str
    memory_total: int
    memory_used: int


@dataclass(frozen=True)
class TaskRef:
    """A step message a worker holds: the step's id and attempt (None for any other task)."""

    task_id: str
    task: str
    step_id: int | None
    attempt: int | None
    #: When a scheduled task is due (ISO 8601), else None.
    eta: str | None = None


@dataclass(frozen=True)
class WorkerInfo:
    """An online worker as Celery reports it.

    `active` are the tasks it is executing, `reserved` those it has prefetched but not started,
    `scheduled` those it holds until a set time (a step retried with backoff after the database
    or the broker could not be reached); they take no pool process until then.
    `devices` is None when the worker reports none (every worker off the gpu queue).
    """

    name: str
    queues: tuple[str, ...]
    concurrency: int
    active: tuple[TaskRef, ...] = ()
    reserved: tuple[TaskRef, ...] = ()
    scheduled: tuple[TaskRef, ...] = ()
    devices: tuple[GpuDevice, ...] | None = None

    @property
    def active_step_ids(self) -> tuple[int, ...]:
        """The steps the worker is executing now."""
        return tuple(t.step_id for t in self.active if t.step_id is not None)

    @property
    def task_count(self) -> int:
        """How many tasks the worker is executing."""
        return len(self.active)

    @property
    def idle(self) -> bool:
        """Whether a pool process is free to start a message at once."""
        return len(self.active) + len(self.reserved) < self.concurrency


# -- The worker side -------------------------------------------------------------------------


@inspect_command()
def tributary_worker(state: Any, **kwargs: Any) -> dict[str, Any]:
    """Answer what `online_workers` needs in one reply: queues, concurrency, tasks, devices."""
    consumer = state.consumer
    queues = [q.name for q in consumer.task_consumer.queues] if consumer.task_consumer else []
    active = state.tset(worker_state.active_requests)
    reserved = state.tset(worker_state.reserved_requests) - active
    return {
        "queues": queues,
        "concurrency": _concurrency(consumer),
        "active": [r.info() for r in active],
        "reserved": [r.info() for r in reserved],
        "scheduled": list(_scheduled(consumer)),
        "devices": gpu_devices() if GPU_QUEUE in queues else None,
    }


def _scheduled(consumer: Any) -> Iterator[dict[str, Any]]:
    """Requests held in the worker's timer until their ETA (what ``inspect scheduled`` lists)."""
    for entry in list(consumer.timer.schedule.queue):
        args = getattr(entry.entry, "args", None) or ()
        request = args[0] if args else None
        if isinstance(request, Request):
            yield {**request.info(), "eta": request.eta.isoformat() if request.eta else None}


def _concurrency(consumer: Any) -> int:
    """The pool's current size (autoscale included), else the configured concurrency."""
    pool = getattr(consumer, "pool", None)
    size = getattr(pool, "num_processes", None)
    if isinstance(size, int) and size > 0:
        return size
    return int(getattr(consumer.controller, "concurrency", 1) or 1)


def gpu_devices() -> list[dict[str, Any]] | None:
    """The GPUs this machine shows (honouring numeric CUDA_VISIBLE_DEVICES), or None.

    Read through NVML or ``nvidia-smi``, which create no CUDA context (see the module docstring).
    """
    devices = _nvml_devices()
    if devices is None:
        devices = _smi_devices()
    if devices is None:
        return None
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        wanted = [int(v) for v in visible.split(",") if v.strip().isdigit()]
        if wanted or not visible.strip():
            devices = [d for d in devices if d["index"] in wanted]
    return devices


def _nvml_devices() -> list[dict[str, Any]] | None:
    """GPUs via pynvml (the nvidia-ml-py package), when it is installed and a driver answers."""
    try:
        import pynvml  # optional: only GPU machines have a reason to install it
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError:
        return None
    try:
        devices = []
        for index in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
            name = pynvml.nvmlDeviceGetName(handle)
            devices.append(
                {
                    "index": index,
                    "name": name.decode() if isinstance(name, bytes) else str(name),
                    "memory_total": int(memory.total),
                    "memory_used": int(memory.used),
                }
            )
        return devices
    except pynvml.NVMLError:
        return None
    finally:
        with contextlib.suppress(pynvml.NVMLError):
            pynvml.nvmlShutdown()


def _smi_devices() -> list[dict[str, Any]] | None:
    """GPUs via ``nvidia-smi``, bounded by a short timeout; None without one."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return None
    query = "--query-gpu=index,name,memory.total,memory.used"
    try:
        out = subprocess.run(
            [smi, query, "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=2,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_smi(out)


def parse_smi(out: str) -> list[dict[str, Any]]:
    """Parse ``nvidia-smi --query-gpu=index,name,memory.total,memory.used`` CSV (MiB)."""
    devices = []
    for line in out.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 4:
            continue
        try:
            index, total, used = int(parts[0]), int(parts[2]), int(parts[3])
        except ValueError:
            continue
        mib = 1024 * 1024
        devices.append(
            {
                "index": index,
                "name": parts[1],
                "memory_total": total * mib,
                "memory_used": used * mib,
            }
        )
    return devices


# -- The caller's side -----------------------------------------------------------------------


@contextlib.contextmanager
def broker_connection(timeout: float = 1.0) -> Iterator[Connection]:
    """A broker connection established within `timeout`, else `BrokerUnavailable`."""
    conn = app.connection_for_read(
        connect_timeout=timeout,
        transport_options={"socket_timeout": timeout + 1, "socket_connect_timeout": timeout},
    )
    try:
        try:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        except Exception as exc:  # kombu wraps every transport's errors differently
            raise BrokerUnavailable(f"the broker cannot be reached: {exc}") from exc
        yield conn
    finally:
        conn.release()


def online_workers(timeout: float = 1.0) -> list[WorkerInfo]:
    """Every worker that answers within `timeout`, sorted by name.

    Raises `BrokerUnavailable` when the broker cannot be reached.
    """
    with broker_connection(timeout) as conn:
        try:
            replies = app.control.inspect(timeout=timeout, connection=conn)._request(STATUS_COMMAND)
            infos = [
                worker_from_status(name, reply)
                for name, reply in (replies or {}).items()
                if isinstance(reply, dict) and "error" not in reply
            ]
            older = sorted(
                name
                for name, reply in (replies or {}).items()
                if not isinstance(reply, dict) or "error" in reply
            )
            if older:
                infos += _builtin_inspect(conn, older, timeout)
        except BrokerUnavailable:
            raise
        except Exception as exc:  # the connection dropped while the replies came in
            raise BrokerUnavailable(f"the broker stopped answering: {exc}") from exc
    return sorted(infos, key=lambda w: w.name)


def _builtin_inspect(conn: Connection, names: list[str], timeout: float) -> list[WorkerInfo]:
    """Ask workers without `STATUS_COMMAND` with Celery's built-in inspect commands."""
    inspect = app.control.inspect(
        destination=names, timeout=timeout, connection=conn, limit=len(names)
    )
    queues = inspect.active_queues() or {}
    active = inspect.active() or {}
    reserved = inspect.reserved() or {}
    scheduled = inspect.scheduled() or {}
    stats = inspect.stats() or {}
    infos = []
    for name in names:
        pool = (stats.get(name) or {}).get("pool") or {}
        status = {
            "queues": [q["name"] for q in queues.get(name) or []],
            "concurrency": pool.get("max-concurrency") or 1,
            "active": active.get(name) or [],
            "reserved": reserved.get(name) or [],
            "scheduled": [
                {**(s.get("request") or {}), "eta": s.get("eta")} for s in scheduled.get(name) or []
            ],
            "devices": None,
        }
        infos.append(worker_from_status(name, status))
    return infos


def worker_from_status(name: str, status: dict[str, Any]) -> WorkerInfo:
    """A `WorkerInfo` from one worker's `tributary_worker` reply (or the same shape)."""
    devices = status.get("devices")
    return WorkerInfo(
        name=name,
        queues=tuple(sorted(str(q) for q in status.get("queues") or [])),
        concurrency=max(1, int(status.get("concurrency") or 1)),
        active=tuple(task_ref(t) for t in status.get("active") or []),
        reserved=tuple(task_ref(t) for t in status.get("reserved") or []),
        scheduled=tuple(task_ref(t) for t in status.get("scheduled") or []),
        devices=None if devices is None else tuple(GpuDevice(**d) for d in devices),
    )


def task_ref(info: dict[str, Any]) -> TaskRef:
    """A `TaskRef` from a request's ``info()``; the step id only for step messages."""
    args = info.get("args") or ()
    step_id = attempt = None
    if info.get("name") == STEP_TASK and isinstance(args, list | tuple) and len(args) >= 2:
        with contextlib.suppress(TypeError, ValueError):
            step_id, attempt = int(args[0]), int(args[1])
    return TaskRef(
        task_id=str(info.get("id") or ""),
        task=str(info.get("name") or ""),
        step_id=step_id,
        attempt=attempt,
        eta=str(info["eta"]) if info.get("eta") else None,
    )


def workers_by_queue(
    workers: Iterable[WorkerInfo], queues: Iterable[str] = QUEUES
) -> dict[str, list[WorkerInfo]]:
    """The workers serving each queue; every queue in `queues` is a key, even with none."""
    by_queue: dict[str, list[WorkerInfo]] = {q: [] for q in queues}
    for worker in workers:
        for queue in worker.queues:
            by_queue.setdefault(queue, []).append(worker)
    return by_queue


def queue_depths(queues: Iterable[str] = QUEUES, timeout: float = 1.0) -> dict[str, int]:
    """Messages waiting in the broker per queue (not yet taken by any worker).

    Raises `BrokerUnavailable` when the broker cannot be reached.
    """
    with broker_connection(timeout) as conn:
        try:
            channel = conn.default_channel
            return {queue: _depth(channel, queue) for queue in queues}
        except Exception as exc:
            raise BrokerUnavailable(f"the broker stopped answering: {exc}") from exc


def _depth(channel: Any, queue: str) -> int:
    """One queue's waiting messages; a queue nobody declared yet holds none."""
    try:
        return int(channel.queue_declare(queue=queue, passive=True).message_count)
    except ChannelError:  # Redis: no list key exists for an empty queue
        return 0


# -- A cached view, for pages that poll ------------------------------------------------------


@dataclass(frozen=True)
class WorkerSnapshot:
    """Workers and queue depths read together; `error` says why they are missing."""

    workers: tuple[WorkerInfo, ...]
    depths: dict[str, int]
    error: str | None
    taken_at: float
    timeout: float


_snapshot_lock = threading.Lock()
_snapshot: WorkerSnapshot | None = None


def worker_snapshot(*, max_age: float = 2.0, timeout: float = 1.0) -> WorkerSnapshot:
    """Online workers and queue depths, read at most once per `max_age` seconds per process.

    Many viewers polling share one inspect: the lock makes concurrent callers wait for the read
    in flight instead of each broadcasting their own. A broker that cannot be reached gives a
    snapshot with no workers and `error` set, never an exception.
    """
    global _snapshot
    with _snapshot_lock:
        now = time.monotonic()
        if _snapshot is not None and now - _snapshot.taken_at < max_age:
            return _snapshot
        try:
            found = tuple(online_workers(timeout))
            depths = queue_depths(timeout=timeout)
            error = None
        except BrokerUnavailable as exc:
            found, depths, error = (), {}, str(exc)
        _snapshot = WorkerSnapshot(found, depths, error, time.monotonic(), timeout)
        return _snapshot


def forget_snapshot() -> None:
    """Drop the cached snapshot, so the next read asks the workers again."""
    global _snapshot
    with _snapshot_lock:
        _snapshot = None
