"""The whole product in a real browser: build the Iris pipeline by dragging blocks, run it on a
real worker, watch every node succeed, open the evaluation, predict from the models page, re-run
from the evaluation with the cache, and compare the two runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import LazySettings

from backend.pipelines.models import ModelVersion, Run
from tests.e2e.conftest import RESULTS
from tests.e2e.test_browser import run_script
from tests.engine.conftest import wait_for_run
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.workers import celery_worker

MODEL_NAME = "iris-browser"


def browser_env(base_url: str, chromium: str, output: Path, **extra: str) -> dict[str, str]:
    """What every e2e script reads: where the app is, who signs in, where screenshots go."""
    output.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "BASE_URL": base_url,
        "CHROMIUM_PATH": chromium,
        "E2E_USERNAME": "grace",
        "E2E_PASSWORD": PASSWORD,
        "E2E_OUTPUT": str(output),
        **extra,
    }


def test_build_run_publish_and_predict_in_the_browser(
    asgi_server: str, chromium: str, settings: LazySettings, tmp_path: Path
) -> None:
    membership = MembershipFactory(
        user=UserFactory(username="grace"), workspace__name="Botany", role="owner"
    )
    slug = membership.workspace.slug
    worker_env = {"ARTIFACT_ROOT": str(settings.ARTIFACT_ROOT)}

    with celery_worker(env=worker_env, log_path=tmp_path / "worker.log"):
        editor = run_script(
            "editor.mjs",
            browser_env(
                asgi_server,
                chromium,
                RESULTS / "editor",
                E2E_WORKSPACE_SLUG=slug,
                E2E_PIPELINE_NAME="Iris in the browser",
                E2E_MODEL_NAME=MODEL_NAME,
            ),
        )
        assert editor.returncode == 0, f"{editor.stdout}\n{editor.stderr}"
        run = Run.objects.get(pipeline__name="Iris in the browser")
        run = wait_for_run(run, timeout=180)
        assert run.status == "succeeded", run.error
        version = ModelVersion.objects.get(workspace=membership.workspace, name=MODEL_NAME)

        instance = {column["name"]: 5.1 for column in version.signature}
        viewer = run_script(
            "run.mjs",
            browser_env(
                asgi_server,
                chromium,
                RESULTS / "run",
                E2E_WORKSPACE_SLUG=slug,
                E2E_RUN_ID=str(run.pk),
                E2E_MODEL_NAME=MODEL_NAME,
                E2E_PREDICT_INSTANCE=json.dumps(instance),
            ),
        )
        assert viewer.returncode == 0, f"{viewer.stdout}\n{viewer.stderr}"

    rerun = Run.objects.exclude(pk=run.pk).get(pipeline=run.pipeline)
    assert rerun.status == "succeeded", rerun.error
    evaluation = rerun.steps.get(block_key__startswith="evaluate.")
    assert rerun.parameters["from_node"] == evaluation.node_id
    statuses = dict(rerun.steps.values_list("node_id", "status"))
    assert statuses[evaluation.node_id] == "succeeded"
    assert "cached" in statuses.values(), statuses
    screenshots = sorted(p.name for p in (RESULTS / "run").glob("*.png"))
    assert screenshots, "the run view test saved no screenshots"
