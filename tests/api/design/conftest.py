"""Fixtures of the pipeline design API tests: fast password hashing, the unit tests' test
blocks, and a pipeline made by the editor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Team
from tests.factories import IRIS_GRAPH
from tests.unit.graph_cases import TEST_BLOCKS, registered


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real PBKDF2 is for tests/api/test_auth.py; here it would only be slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def test_blocks() -> Iterator[None]:
    """The unit tests' ModelSink and PickColumn blocks, registered for this test only."""
    with registered(*TEST_BLOCKS):
        yield


@pytest.fixture
def pipeline(team: Team) -> dict[str, Any]:
    """A pipeline made by the editor, with the one-node iris graph as its draft."""
    response = team.client("editor").post(
        team.url("pipelines/"), {"name": "Iris", "graph": IRIS_GRAPH}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()
