"""The content-addressed artifact store: bytes in, sha256 digest out.

The store's root is a local folder or any fsspec URL (``file:///srv/artifacts``,
``s3://bucket/prefix``, ``memory://name`` in tests), so workers on several machines can share
one store. Objects live at ``<root>/<digest[:2]>/<digest[2:4]>/<digest>``; the same content is
stored once however many steps or uploads produce it. Writes are atomic: in a local folder a
temporary file is renamed into place; an object store (S3, GCS, Azure, memory) makes an object
visible only once it is completely written. Either way a reader never sees half an object.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, cast

import fsspec
from fsspec.implementations.local import LocalFileSystem

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


def sha256_file(path: Path | str) -> str:
    """The sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_digest(digest: str) -> str:
    """`digest` itself when it is a lowercase sha256 hex digest; anything else is refused, so a
    key can never name a path outside the store."""
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise ValueError(f"not a sha256 digest: {digest!r}")
    return digest


class ArtifactStore:
    """Immutable, content-addressed objects under a folder or an fsspec URL.

    `storage_options` go to the fsspec filesystem (for ``s3://``: ``endpoint_url``, ``key``,
    ``secret``, ...); credentials may equally come from the provider's usual environment.
    """

    def __init__(self, root: Path | str, **storage_options: Any) -> None:
        self.url = str(root)
        self.fs, path = fsspec.core.url_to_fs(self.url, **storage_options)
        self.root = path.rstrip("/")
        #: The local folder when the store is on this machine's filesystem, else None.
        self.local_root = Path(path) if isinstance(self.fs, LocalFileSystem) else None

    def __repr__(self) -> str:
        return f"ArtifactStore({self.url!r})"

    def key(self, digest: str) -> str:
        """The object's location inside the filesystem, always under the root."""
        digest = check_digest(digest)
        return f"{self.root}/{digest[:2]}/{digest[2:4]}/{digest}"

    def path(self, digest: str) -> Path:
        """The object's file on this machine; only for a store in a local folder (elsewhere,
        read with `open`)."""
        if self.local_root is None:
            raise ValueError(f"{self!r} is not a local folder: read objects with open()")
        digest = check_digest(digest)
        return self.local_root / digest[:2] / digest[2:4] / digest

    def exists(self, digest: str) -> bool:
        """Whether the object is stored."""
        if self.local_root is not None:
            return self.path(digest).is_file()
        return bool(self.fs.isfile(self.key(digest)))

    def size(self, digest: str) -> int:
        """The stored object's size in bytes (FileNotFoundError when it is not stored)."""
        if self.local_root is not None:
            return self.path(digest).stat().st_size
        return int(self.fs.size(self.key(digest)))

    def put_file(self, source: Path | str) -> tuple[str, int]:
        """Copy a local file into the store; returns (digest, size)."""
        digest = sha256_file(source)
        if not self.exists(digest):
            if self.local_root is not None:
                self._replace_into(digest, lambda tmp: shutil.copyfile(source, tmp))
            else:
                self.fs.put_file(os.fspath(source), self.key(digest))
        return digest, os.path.getsize(source)

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store bytes; returns (digest, size)."""
        digest = hashlib.sha256(data).hexdigest()
        if not self.exists(digest):
            if self.local_root is not None:
                self._replace_into(digest, lambda tmp: Path(tmp).write_bytes(data))
            else:
                self.fs.pipe_file(self.key(digest), data)
        return digest, len(data)

    def open(self, digest: str) -> BinaryIO:
        """Open a stored object for reading (seekable; close it, or use it in a `with`)."""
        if self.local_root is not None:
            return open(self.path(digest), "rb")
        return cast(BinaryIO, self.fs.open(self.key(digest), "rb"))

    def delete(self, digest: str) -> None:
        """Remove an object (only when no row refers to it any more)."""
        if self.local_root is not None:
            self.path(digest).unlink(missing_ok=True)
            return
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self.key(digest))

    def _replace_into(self, digest: str, write: Callable[[str], object]) -> None:
        """Write a temporary file beside the target, then rename it into place."""
        target = self.path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        os.close(fd)
        try:
            write(tmp)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a reader with another uid
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def default_store() -> ArtifactStore:
    """The store at settings.ARTIFACT_ROOT (with settings.ARTIFACT_STORAGE_OPTIONS)."""
    from django.conf import settings

    options = getattr(settings, "ARTIFACT_STORAGE_OPTIONS", None) or {}
    return ArtifactStore(settings.ARTIFACT_ROOT, **options)
