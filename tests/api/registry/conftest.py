"""Fixtures of the model registry API tests: fast password hashing, a clean prediction buffer,
and the demo model version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backend.pipelines.models import ModelVersion
from backend.pipelines.registry import monitoring
from tests.conftest import Team
from tests.model_factories import register


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The team's users are made for every test; real PBKDF2 is for tests/api/test_auth.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_recorder() -> Iterator[None]:
    """Each test starts with an empty prediction buffer."""
    monitoring.recorder.discard()
    yield
    monitoring.recorder.discard()


@pytest.fixture
def demo(team: Team) -> ModelVersion:
    """Version 1 of model 'demo' in the team's workspace."""
    return register(team.workspace)
