"""`manage.py export_blocks` writes what GET /api/v1/blocks/ serves, in the fixture's format."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command

from tests.conftest import Team


def test_export_is_the_catalogue_the_api_serves(team: Team, tmp_path: Path) -> None:
    path = tmp_path / "blocks.json"
    call_command("export_blocks", file=str(path))

    response = team.client("viewer").get("/api/v1/blocks/")

    assert response.status_code == 200
    served = response.json()
    assert served, "the catalogue is empty"
    assert (
        path.read_text(encoding="utf-8") == json.dumps(served, indent=2, ensure_ascii=False) + "\n"
    )
