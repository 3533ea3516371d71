"""Audit the locked dependencies against the public advisory databases.

pip-audit reads the Python locks (requirements/*.lock) and npm audit the frontend's lock. Each
runs only when its advisory database answers: on a machine that cannot reach it, the audit is
skipped with a line that says so, rather than failing or passing silently. A known vulnerability
fails the audit (npm: severity high or above). Usage: python requirements/audit.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("dev.lock", "docker.lock")
#: A release with published advisories: the PyPI database answers when it lists them.
PYPI_PROBE = "https://pypi.org/pypi/django/3.2/json"


def pypi_advisories_answer(timeout: float = 10.0) -> bool:
    """Whether PyPI's advisory data (what pip-audit reads) can be reached from here."""
    try:
        with urllib.request.urlopen(PYPI_PROBE, timeout=timeout) as response:
            return bool(json.load(response).get("vulnerabilities"))
    except (OSError, ValueError):
        return False


def audit_python() -> int:
    """pip-audit over each lock; 0 when clean or skipped."""
    if not pypi_advisories_answer():
        print("pip-audit: skipped, the PyPI advisory database did not answer from this machine")
        return 0
    status = 0
    for lock in LOCKS:
        print(f"pip-audit: requirements/{lock}")
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--disable-pip",
            "--no-deps",
            "--progress-spinner",
            "off",
        ]
        status |= subprocess.call([*command, "-r", str(ROOT / "requirements" / lock)])
    return status


def audit_node() -> int:
    """npm audit of the frontend's lock (production dependencies); 0 when clean or skipped."""
    result = subprocess.run(
        ["npm", "audit", "--json", "--omit=dev"],
        cwd=ROOT / "frontend",
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stdout or "{}")
    except ValueError:
        report = {"error": {"summary": result.stderr.strip()[-200:]}}
    if "error" in report or "metadata" not in report:
        reason = report.get("error", {}).get("summary") or report.get("message") or "no report"
        print(f"npm audit: skipped, the npm advisory database did not answer ({reason})")
        return 0
    counts = report["metadata"]["vulnerabilities"]
    print(f"npm audit: {json.dumps(counts)}")
    return 1 if counts.get("high", 0) + counts.get("critical", 0) else 0


def main() -> int:
    """Run both audits; exit 1 when either found a vulnerability."""
    return audit_python() | audit_node()


if __name__ == "__main__":
    sys.exit(main())
