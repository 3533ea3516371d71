"""The content-addressed artifact store: bytes in, sha256 digest out.

Files live under ARTIFACT_ROOT at ``<digest[:2]>/<digest[2:4]>/<digest>``, written atomically
(temporary file, then rename) so a reader never sees half a file and the same content is stored
once however many steps or uploads produce it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


def sha256_file(path: Path | str) -> str:
    """The sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ArtifactStore:
    """A folder of immutable, content-addressed files."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        """Where the object with `digest` lives; refuses anything that is not a digest."""
        if not _DIGEST.match(digest):
            raise ValueError(f"not a sha256 digest: {digest!r}")
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, digest: str) -> bool:
        """Whether the object is stored."""
        return self.path(digest).is_file()

    def put_file(self, source: Path | str) -> tuple[str, int]:
        """Copy a file into the store; returns (digest, size)."""
        digest = sha256_file(source)
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            os.close(fd)
            try:
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return digest, target.stat().st_size

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store bytes; returns (digest, size)."""
        with tempfile.NamedTemporaryFile(dir=self._tmp_dir(), delete=False) as handle:
            handle.write(data)
        try:
            return self.put_file(handle.name)
        finally:
            os.unlink(handle.name)

    def open(self, digest: str) -> BinaryIO:
        """Open a stored object for reading."""
        return open(self.path(digest), "rb")

    def delete(self, digest: str) -> None:
        """Remove an object (only when no row refers to it any more)."""
        self.path(digest).unlink(missing_ok=True)

    def _tmp_dir(self) -> Path:
        tmp = self.root / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        return tmp


def default_store() -> ArtifactStore:
    """The store at settings.ARTIFACT_ROOT."""
    from django.conf import settings

    return ArtifactStore(settings.ARTIFACT_ROOT)
