"""Check that the lock files still cover pyproject.toml, without resolving anything.

Every requirement of the project (and of the extras a lock was compiled with) must be pinned in
that lock to a version the requirement admits; the torch pin of requirements/torch.txt must be
admitted by pyproject's torch range. `make lint` runs this; `make lock` rewrites the locks when it
fails. Usage: python requirements/check.py
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
#: Each lock file and the pyproject extras it is compiled with (see the Makefile's `lock`).
LOCKS = {"dev.lock": ("embedded", "dev"), "docker.lock": ("s3",)}
#: Installed from requirements/torch.txt, not from the locks (its wheel depends on the index).
UNLOCKED = {"torch"}
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.MULTILINE)


def locked_versions(lock: Path) -> dict[str, str]:
    """The `name==version` pins of a pip-compile lock file, by canonical name."""
    return {canonicalize_name(n): v for n, v in _PIN.findall(lock.read_text())}


def problems(project: dict, lock_name: str, extras: tuple[str, ...]) -> list[str]:
    """What in pyproject.toml the lock `lock_name` does not satisfy."""
    lock = ROOT / "requirements" / lock_name
    if not lock.is_file():
        return [f"{lock_name} is missing: run `make lock`"]
    pins = locked_versions(lock)
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    found = []
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name in UNLOCKED or (requirement.marker and not requirement.marker.evaluate()):
            continue
        if name not in pins:
            found.append(f"{lock_name}: {requirement} is not locked")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            found.append(f"{lock_name}: {requirement} does not admit the locked {pins[name]}")
    return found


def main() -> int:
    """Print each gap between pyproject.toml and the locks; exit 1 when there is one."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = [p for name, extras in LOCKS.items() for p in problems(project, name, extras)]
    torch_range = next(
        Requirement(r) for r in project["dependencies"] if Requirement(r).name == "torch"
    )
    torch_pin = locked_versions(ROOT / "requirements" / "torch.txt").get("torch")
    if torch_pin is None or not torch_range.specifier.contains(torch_pin):
        found.append(f"requirements/torch.txt pins torch {torch_pin}, outside {torch_range}")
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print("the lock files are out of date: run `make lock`", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
