"""An upload handler that refuses a body over UPLOAD_MAX_BYTES before reading it all.

The declared Content-Length is checked before the first byte of the file is read; a body that
does not declare its length (or lies about it) is cut off as soon as it passes the limit. Files
spill to a temporary file, never to memory.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from backend.errors import TooLargeError


def upload_limit_error(limit: int) -> TooLargeError:
    """The error for an upload over `limit` bytes."""
    mb = limit / (1024 * 1024)
    return TooLargeError(
        f"file is larger than the upload limit of {mb:g} MB ({limit} bytes)", field="file"
    )


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Temporary-file uploads with a size cap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        # The multipart envelope adds a little; a body far over the limit is refused here.
        if content_length and content_length > self.limit + 64 * 1024:
            raise upload_limit_error(self.limit)
        return super().handle_raw_input(input_data, META, content_length, boundary, encoding)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.file is not None:
                self.file.close()
            raise upload_limit_error(self.limit)
        return super().receive_data_chunk(raw_data, start)
