"""`manage.py check --deploy` passes with production settings (docs/operations.md, "Security")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# The production environment that docs/operations.md describes, behind a TLS-terminating proxy.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3v9-" + "x7Qp2mZt8LwR4bNc6YhJ1sDf5GuK0aEi" * 2,
    "REQUIRE_SECRET_KEY": "1",
    "ALLOWED_HOSTS": "example.com",
    "CSRF_TRUSTED_ORIGINS": "https://example.com",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the deployment checks in a fresh process whose settings come from `env` alone."""
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "SECRET_KEY"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "backend.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check() -> None:
    result = check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_development_defaults_are_not_fit_for_production() -> None:
    """The check above is not vacuous: without the production environment it complains."""
    result = check_deploy({})
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W009", "security.W012"):
        assert check in result.stdout + result.stderr, check


def test_a_missing_secret_key_is_refused_when_required() -> None:
    result = check_deploy({**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def settings_variables() -> set[str]:
    """Every environment variable backend/settings.py reads."""
    source = (REPO_ROOT / "backend" / "settings.py").read_text()
    pattern = r'(?:os\.environ\.get|_env_bool|_env_list)\(\s*"([A-Z0-9_]+)"'
    return set(re.findall(pattern, source))


def test_every_setting_is_documented_and_passed_to_the_containers() -> None:
    names = settings_variables()
    assert {"SECRET_KEY", "CSRF_TRUSTED_ORIGINS", "ARTIFACT_ROOT", "SECURE_HSTS_SECONDS"} <= names
    guide = (REPO_ROOT / "docs" / "operations.md").read_text()
    compose = (REPO_ROOT / "docker" / "compose.yaml").read_text()
    assert [n for n in sorted(names) if f"`{n}`" not in guide] == []
    tests_only = {"TEST_DATABASE_NAME"}
    assert [n for n in sorted(names - tests_only) if f"    {n}:" not in compose] == []
