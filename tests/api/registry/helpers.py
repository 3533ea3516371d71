"""Helpers of the model registry API tests: a row of the demo model and predict calls."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rest_framework.test import APIClient

from tests.conftest import Team
from tests.model_factories import demo_model

ROW = {"x": 0.9, "n": 5, "color": "red", "flag": True}


def predict(client: APIClient, team: Team, body: Any, name: str = "demo") -> Any:
    """POST `body` to the model's predict endpoint."""
    return client.post(team.url(f"models/{name}/predict/"), body, format="json")


def in_process(rows: pd.DataFrame) -> list[str]:
    """What the demo model predicts for `rows`, in this process."""
    return [str(v) for v in demo_model().predict(rows)]


def key_client(key: str) -> APIClient:
    """A client that authenticates with the API key `key`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def create_key(team: Team, **body: Any) -> dict[str, Any]:
    """Create an API key as the team's editor; the response, with the key shown once."""
    response = team.client("editor").post(team.url("api-keys/"), {"name": "app", **body})
    assert response.status_code == 201, response.json()
    return response.json()
