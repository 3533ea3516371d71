"""Headless Chromium, driven by playwright-core, against the real stack."""

from __future__ import annotations

import os
import subprocess

from tests.e2e.conftest import RESULTS
from tests.factories import PASSWORD, MembershipFactory, PipelineFactory, UserFactory
from tests.workers import REPO_ROOT


def run_script(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a frontend/e2e script with node; its output is kept for the failure message."""
    return subprocess.run(
        ["node", f"e2e/{script}"],
        cwd=REPO_ROOT / "frontend",
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_sign_in_see_workspace_and_sign_out(asgi_server: str, chromium: str) -> None:
    user = UserFactory(username="ada")
    membership = MembershipFactory(user=user, workspace__name="Research", role="editor")
    PipelineFactory(workspace=membership.workspace, name="Churn model")
    output = RESULTS / "smoke"
    output.mkdir(parents=True, exist_ok=True)

    result = run_script(
        "smoke.mjs",
        {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/tmp"),
            "BASE_URL": asgi_server,
            "CHROMIUM_PATH": chromium,
            "E2E_USERNAME": "ada",
            "E2E_PASSWORD": PASSWORD,
            "E2E_WORKSPACE_NAME": "Research",
            "E2E_PIPELINE_NAME": "Churn model",
            "E2E_OUTPUT": str(output),
        },
    )

    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    screenshots = [p for p in output.iterdir() if p.suffix == ".png"]
    assert len(screenshots) >= 2, f"expected the sign-in and home screenshots, got {screenshots}"
