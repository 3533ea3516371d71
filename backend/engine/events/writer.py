"""A helper process that saves and broadcasts a worker's step events, off the block's GIL.

Saving a batch in the worker process costs the block more than the work itself: every database
and Redis round trip gives the GIL up and takes it back from the block's thread, a dozen times
per batch, and on a busy machine each switch can cost the block a scheduling slot. So a step's
supervisor hands its batches over a pipe to this helper (one per worker process, started on
first use), which saves them in order with backend.engine.events.store (sequence numbers, rows,
broadcast); the worker only pickles and writes. `EventWriter.sync` waits until everything
handed over is saved: the executor calls it before it records a step's status.

The helper uses the worker's own database settings (sent at start), so it writes where the
worker would. Until it says it is set up, batches are saved in-process (a worker's first step
does not wait for it to boot). If it cannot start or dies, the worker saves in-process from
then on, and saves again the batches the helper had not confirmed, unless they are already in
the database.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from backend.engine.events.store import Batch

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!I")
_BOOT = "from backend.engine.events.writer import main; main()"
_ROOT = Path(__file__).resolve().parents[3]  # the repository root: backend/engine/events/writer.py


def _write(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream: BinaryIO) -> Any:
    """The next message, or None at the end of the stream."""
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    data = _read_exactly(stream, _HEADER.unpack(header)[0])
    if data is None:
        return None
    return pickle.loads(data)  # trusted: our own child process, over a private pipe


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class EventWriter:
    """The worker's side: hands batches to the helper process, in order. Thread-safe."""

    #: Batches handed over before the helper is asked to confirm them (bounds what is kept
    #: to save again should it die).
    confirm_every = 20

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = -1
        self._process: subprocess.Popen[bytes] | None = None
        self._confirmations: BinaryIO | None = None
        self._unconfirmed: list[Batch] = []
        self._failed = False
        self._ready = False  # the helper said it is set up; until then, batches are saved here

    def submit(self, batch: Batch) -> None:
        """Hand a batch over; returns without waiting for it to be saved."""
        with self._lock:
            if not self._hand_over(batch):
                self._save_here([batch])
            elif len(self._unconfirmed) >= self.confirm_every:
                self._confirm()

    def start(self) -> None:
        """Start the helper now (a worker process at its start), not on the first batch, so
        that the first step after a worker starts does not wait for it to boot."""
        with self._lock:
            self._started()

    def wait_ready(self, timeout: float = 60) -> bool:
        """Start the helper and wait until it is set up (tests that need it to take batches);
        False when it did not say so within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._started() is not None and not self._is_ready():
                if time.monotonic() > deadline:
                    return False
                select.select([self._confirmations], [], [], 0.05)
            return self._ready

    def sync(self) -> None:
        """Return once every batch handed over so far is saved."""
        with self._lock:
            if self._unconfirmed:
                self._confirm()

    def close(self) -> None:
        """Wait until everything handed over is saved, then stop the helper."""
        with self._lock:
            if self._process is None or self._pid != os.getpid():
                return
            if self._unconfirmed:
                self._confirm()
            if self._process is not None:
                self._process.stdin.close()  # type: ignore[union-attr]
                self._process.wait(timeout=30)
                self._confirmations.close()  # type: ignore[union-attr]
            self._process = self._confirmations = None

    def _hand_over(self, batch: Batch) -> bool:
        process = self._started()
        if process is None or not self._is_ready():
            return False
        self._unconfirmed.append(batch)
        try:
            _write(process.stdin, ("batch", batch))  # type: ignore[arg-type]
        except OSError:
            self._give_up("the event writer stopped")
        return True

    def _confirm(self) -> None:
        try:
            _write(self._process.stdin, ("sync",))  # type: ignore[union-attr, arg-type]
            reply = _read(self._confirmations)  # type: ignore[arg-type]
        except OSError:
            reply = None
        if reply is None:
            self._give_up("the event writer stopped")
            return
        self._unconfirmed.clear()
        if reply:  # batches the helper could not save: try here, where errors surface
            logger.warning("the event writer could not save %d batches", len(reply))
            self._save_here(reply)

    def _is_ready(self) -> bool:
        """Whether the helper has set up; looks without waiting, so that a worker's first
        steps save their events here while the helper still boots (seconds when busy)."""
        if self._ready:
            return True
        try:
            if not select.select([self._confirmations], [], [], 0)[0]:
                return False
            message = _read(self._confirmations)  # type: ignore[arg-type]
        except (OSError, ValueError):
            message = None
        if message != "ready":
            self._give_up("the event writer did not start")
            return False
        self._ready = True
        return True

    def _started(self) -> subprocess.Popen[bytes] | None:
        if self._failed:
            return None
        if self._process is not None and self._pid == os.getpid():
            return self._process
        self._pid, self._unconfirmed = os.getpid(), []  # a forked child starts its own
        self._ready = False
        try:
            self._process, self._confirmations = _spawn()
        except OSError:
            logger.warning("could not start the event writer; saving events in-process")
            self._failed = True
            return None
        return self._process

    def _give_up(self, why: str) -> None:
        logger.warning("%s; saving events in-process from now on", why)
        self._failed = True
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        if self._confirmations is not None:
            self._confirmations.close()
        self._process = self._confirmations = None
        from backend.engine.events.store import batch_saved

        lost = [batch for batch in self._unconfirmed if not batch_saved(batch)]
        self._unconfirmed = []
        self._save_here(lost)

    @staticmethod
    def _save_here(batches: list[Batch]) -> None:
        from backend.engine.events.store import save_batch

        for batch in batches:
            save_batch(batch)


def _spawn() -> tuple[subprocess.Popen[bytes], BinaryIO]:
    """Start the helper with this process's database and channel-layer settings."""
    from django.conf import settings
    from django.db import connections

    confirm_read, confirm_write = os.pipe()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_ROOT), *sys.path])}
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(confirm_write)],
            stdin=subprocess.PIPE,
            pass_fds=(confirm_write,),
            env=env,
        )
    except OSError:
        os.close(confirm_read)
        raise
    finally:
        os.close(confirm_write)
    config = {
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE", "backend.settings"),
        "database": dict(connections["default"].settings_dict),
        "channel_layers": settings.CHANNEL_LAYERS,
    }
    _write(process.stdin, config)  # type: ignore[arg-type]
    return process, os.fdopen(confirm_read, "rb")


_shared = EventWriter()


def shared_writer() -> EventWriter:
    """This process's event writer."""
    return _shared


def main() -> None:
    """The helper process: save and broadcast batches until the worker closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the worker, then this drains
    requests = os.fdopen(sys.stdin.fileno(), "rb", buffering=0)  # unbuffered: select() works
    confirmations = os.fdopen(int(sys.argv[1]), "wb")
    config = _read(requests)
    if config is None:
        return
    os.environ["DJANGO_SETTINGS_MODULE"] = config["settings_module"]
    from django.conf import settings

    settings.DATABASES = {"default": _writer_database(config["database"])}
    settings.CHANNEL_LAYERS = config["channel_layers"]
    import django

    django.setup()
    _write(confirmations, "ready")
    serve(requests, confirmations)


def _writer_database(database: dict[str, Any]) -> dict[str, Any]:
    """The worker's database settings for this process: the same server, and a pool of its
    own that one thread can use at most one connection of (a second while one is replaced)."""
    options = dict(database.get("OPTIONS") or {})
    if isinstance(options.get("pool"), dict):
        options["pool"] = {**options["pool"], "min_size": 0, "max_size": 2}
    return {**database, "OPTIONS": options}


def _release_connection() -> None:
    """Hand the connection back and close the pool, so that a quiet writer holds none."""
    from django.db import connection

    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()


def serve(requests: BinaryIO, confirmations: BinaryIO, idle: float = 1.0) -> None:
    """Save each batch in order; answer a sync with the batches that could not be saved.

    The database connection (and its pool) is closed whenever nothing comes for `idle`
    seconds, so that a quiet writer holds none.
    """
    from django.db import close_old_connections

    from backend.engine.events.broadcast import flush_broadcasts
    from backend.engine.events.store import save_batch

    failed: list[Batch] = []
    while True:
        if not select.select([requests], [], [], idle)[0]:
            _release_connection()
        message = _read(requests)
        if message is None:
            break
        if message[0] == "batch":
            try:
                save_batch(message[1])
            except Exception:
                logger.exception("could not save a batch of step %s", message[1].step_id)
                close_old_connections()
                failed.append(message[1])
        else:
            _write(confirmations, failed)
            failed = []
    flush_broadcasts(timeout=10)
