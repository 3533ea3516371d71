"""A first look at the API: the catalogue and a pipeline round trip."""

from tests.conftest import Team


def test_catalogue_lists_ingest_blocks_with_schemas(team: Team) -> None:
    response = team.client("viewer").get("/api/v1/blocks/")
    assert response.status_code == 200
    keys = {block["key"] for block in response.json()}
    assert {"ingest.dataset", "ingest.sample", "ingest.synthetic"} <= keys
