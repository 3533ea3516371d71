"""What the benchmarks that serve the product share: waiting for the server they started."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def wait_serving(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    """Return once the server at `url` answers (a 401 counts); exit with its log when it dies
    or stays silent for `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited:\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/api/v1/blocks/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers: a 401 without credentials
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server did not answer within {timeout:.0f} s:\n{log.read_text()}")
