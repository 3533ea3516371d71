"""The API contract under fuzzing: schemathesis, every check and every phase (examples,
coverage, fuzzing, and stateful sequences over the links it infers), against the real ASGI
server on the test database.

The fuzzed requests carry an editor's token for a seeded workspace, and the path parameters
point at rows that exist (a pipeline, its version, a run, an artifact, a dataset, a model
version, an API key), so that most cases reach the views instead of stopping at a 404. An
editor may change and delete everything in the workspace except the workspace itself and its
members, so the seed stays usable for the whole run; the one operation left out is logout,
which revokes the token the run sends. The run is bounded by a fixed number of
examples per operation and a fixed seed, so it costs the same every time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.pipelines.datasets.services import dataset_create
from backend.pipelines.design.services import version_create
from backend.pipelines.models import ApiKey, Artifact
from backend.pipelines.registry import keys
from backend.pipelines.runs.services import run_start
from backend.workspaces import tokens
from backend.workspaces.models import Role
from tests.factories import MembershipFactory, PipelineFactory, UserFactory, WorkspaceFactory
from tests.graphs import iris_publish_graph
from tests.model_factories import register
from tests.servers import asgi_server
from tests.workers import stack_env

#: Test cases per operation and phase; with the seed below, the run is the same every time.
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "5"))
SEED = int(os.environ.get("CONTRACT_SEED", "20240518"))
#: Which phases run (all four unless narrowed to reproduce one failure).
PHASES = os.environ.get("CONTRACT_PHASES", "examples,coverage,fuzzing,stateful")


@dataclass(frozen=True)
class Seed:
    """What the fuzzed requests point at: the path parameters and the token to send."""

    token: str
    parameters: dict[str, object]


def seed_workspace() -> Seed:
    """A workspace with one row of every kind the API's paths name, and an editor's token."""
    workspace = WorkspaceFactory(name="Contract", slug="contract")
    editor = MembershipFactory(
        workspace=workspace, role=Role.EDITOR, user=UserFactory(username="editor")
    ).user
    MembershipFactory(workspace=workspace, role=Role.VIEWER, user=UserFactory(username="viewer"))
    pipeline = PipelineFactory(workspace=workspace, graph=iris_publish_graph(5), created_by=editor)
    version = version_create(pipeline=pipeline, user=editor, message="first")
    run = run_start(pipeline=pipeline, user=editor, version_number=version.number)
    model_version = register(workspace, name="demo")
    rows = pd.DataFrame({"x": [1.0, 2.0, 3.0], "label": ["a", "b", "a"]})
    upload = SimpleUploadedFile("rows.csv", rows.to_csv(index=False).encode(), "text/csv")
    dataset, _ = dataset_create(workspace=workspace, user=editor, upload=upload, name="rows")
    api_key, _ = keys.api_key_create(workspace=workspace, user=editor, name="app", model_name="")
    _, key = tokens.token_create(user=editor, name="contract")
    # What DELETE auth/tokens/{token_id}/ may revoke: another of the editor's tokens.
    spare, _ = tokens.token_create(user=editor, name="spare")
    return Seed(
        token=key,
        parameters={
            "slug": workspace.slug,
            "pipeline_id": pipeline.pk,
            "number": version.number,
            "run_id": run.pk,
            "artifact_id": Artifact.objects.get(pk=model_version.artifact_id).pk,
            "dataset_id": dataset.pk,
            "name": model_version.name,
            "version": model_version.version,
            "key_id": ApiKey.objects.get(pk=api_key.pk).pk,
            "username": "viewer",
            "token_id": spare.pk,
        },
    )


#: Operations whose schema-valid requests may still be refused with a 400, because whether they
#: can succeed depends on state that a schema cannot describe: a user's password, the bytes of
#: an uploaded file, a graph's structure (unique node ids, edges between existing nodes) or
#: whether it validates, rows against a model's input signature, a dataset against a model.
STATEFUL_400 = [
    "/api/v1/auth/token/",
    "/api/v1/auth/login/",
    "/api/v1/workspaces/{slug}/datasets/",
    "/api/v1/workspaces/{slug}/pipelines/",
    "/api/v1/workspaces/{slug}/pipelines/{pipeline_id}/",
    "/api/v1/workspaces/{slug}/pipelines/{pipeline_id}/validate/",
    "/api/v1/workspaces/{slug}/pipelines/{pipeline_id}/versions/",
    "/api/v1/workspaces/{slug}/pipelines/{pipeline_id}/runs/",
    "/api/v1/workspaces/{slug}/models/{name}/predict/",
    "/api/v1/workspaces/{slug}/models/{name}/versions/{version}/score/",
]
ACCEPTED = ["2xx", "3xx", 401, 403, 404, 409, 429]
#: An upload of bytes that are neither CSV nor Parquet is a 415, whatever the schema says.
UPLOAD = "/api/v1/workspaces/{slug}/datasets/"
#: DELETE revokes an API key; the row stays readable, marked revoked, for the record (GET
#: answers 200 with ``active: false``), which the use-after-free check takes for a leak.
REVOKED_NOT_GONE = ["/api/v1/workspaces/{slug}/api-keys/{key_id}/"]


def schemathesis_config(seed: Seed, path: Path) -> Path:
    """A schemathesis.toml: the path parameters fixed to the seeded rows, the exceptions of
    STATEFUL_400 and REVOKED_NOT_GONE, and strings free of what the API refuses at the door
    (NUL, and text that is not UTF-8: tests/contract/test_contract_rules.py checks that)."""
    lines = [
        "[generation]",
        "allow-x00 = false",
        'codec = "utf-8"',
        "",
        "[checks]",
        # A bound that only catches a hang: the machine running the suite may be busy.
        "max_response_time = 120",
        "",
        # Values seen in responses are not replayed into requests: the error body's `fields`
        # would come back as a body property, which schemathesis then misreads.
        "[phases.coverage.extra-data-sources]",
        "responses = false",
        "[phases.fuzzing.extra-data-sources]",
        "responses = false",
        # Nor do 400 answers feed generation: schemathesis reads DRF-style error bodies as
        # {field: [problems]}, so this API's `fields` would become a body property.
        "[phases.fuzzing.error-feedback]",
        "enabled = false",
        "",
        "[parameters]",
        *(f"{json.dumps(key)} = {json.dumps(value)}" for key, value in seed.parameters.items()),
    ]
    for operation in STATEFUL_400:
        statuses = [*ACCEPTED, 400, 415] if operation == UPLOAD else [*ACCEPTED, 400]
        lines += [
            "",
            "[[operations]]",
            f"include-path = {json.dumps(operation)}",
            "[operations.checks.positive_data_acceptance]",
            f"expected-statuses = {json.dumps(statuses)}",
        ]
    for operation in REVOKED_NOT_GONE:
        lines += [
            "",
            "[[operations]]",
            f"include-path = {json.dumps(operation)}",
            "[operations.checks.use_after_free]",
            "enabled = false",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def served(transactional_db: None, tmp_path: Path) -> Iterator[tuple[str, Seed]]:
    """The real ASGI server on the test database, and the seed it serves."""
    seed = seed_workspace()
    with asgi_server(tmp_path / "server.log") as url:
        yield url, seed


@pytest.mark.timeout(600)  # a bound that only catches a hang; the run takes about a minute
def test_the_api_holds_its_contract_under_fuzzing(served: tuple[str, Seed], tmp_path: Path) -> None:
    """Every check of every phase passes: no server error, no response outside the schema, no
    undocumented status, schema-valid requests accepted and schema-violating ones refused."""
    url, seed = served
    config = schemathesis_config(seed, tmp_path / "schemathesis.toml")
    command = [
        str(Path(sys.executable).with_name("st")),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{url}/api/schema/",
        "--url",
        url,
        "--checks",
        "all",
        "--phases",
        PHASES,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        # One worker: hypothesis describes strategies by parsing source, which is not safe
        # from two threads at once (a worker then fails with an AST recursion error).
        "--workers",
        "1",
        "--header",
        f"Authorization: Token {seed.token}",
        # Logout revokes the token the run authenticates with (tests/api/test_auth.py covers it).
        "--exclude-path",
        "/api/v1/auth/logout/",
        "--request-timeout",
        "60",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path / "report"),
    ]
    result = subprocess.run(
        command, env=stack_env(), capture_output=True, text=True, timeout=600, check=False
    )
    (tmp_path / "schemathesis.txt").write_text(result.stdout + result.stderr)
    report = result.stdout[-20000:] + result.stderr[-5000:]
    assert result.returncode == 0, f"schemathesis found failures:\n{report}"
    assert "No issues found" in result.stdout or "passed" in result.stdout, report
