"""API keys for predict, and the admin pages of keys, stages and the other records."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from backend.pipelines.models import ApiKey, ModelVersion, PredictionLog, StageTransition
from backend.pipelines.registry import monitoring
from tests.api.registry.helpers import ROW, create_key, key_client, predict
from tests.conftest import Team
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.model_factories import register

pytestmark = pytest.mark.django_db


# --- API keys -------------------------------------------------------------------------------


def test_key_is_shown_once_and_listed_without_secret(team: Team) -> None:
    created = create_key(team, model="demo")

    listed = team.client("viewer").get(team.url("api-keys/")).json()["results"]

    assert created["key"].startswith(created["prefix"] + "_") and created["model"] == "demo"
    assert [k["prefix"] for k in listed] == [created["prefix"]]
    assert "key" not in listed[0] and "secret_hash" not in listed[0]
    stored = ApiKey.objects.get()
    assert created["key"] not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert stored.secret_hash != created["key"]


def test_predict_with_a_key_needs_no_user(team: Team, demo: ModelVersion) -> None:
    key = create_key(team)["key"]
    response = predict(key_client(key), team, {"instances": [ROW]})
    assert response.status_code == 200, response.json()
    assert ApiKey.objects.get().last_used_at is not None


def test_revoked_key_is_refused(team: Team, demo: ModelVersion) -> None:
    created = create_key(team)
    deleted = team.client("editor").delete(team.url(f"api-keys/{created['id']}/"))

    response = predict(key_client(created["key"]), team, {"instances": [ROW]})

    assert deleted.status_code == 204
    assert response.status_code == 401
    assert "revoked" in response.json()["message"] and "Api-Key" in response["WWW-Authenticate"]
    listed = team.client("viewer").get(team.url(f"api-keys/{created['id']}/")).json()
    assert listed["active"] is False and listed["revoked_by"] == "editor"


def test_another_workspaces_key_is_refused(team: Team, demo: ModelVersion) -> None:
    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=team.editor, role="owner")
    response = team.client("editor").post(
        f"/api/v1/workspaces/{other.slug}/api-keys/", {"name": "x"}
    )
    key = response.json()["key"]

    refused = predict(key_client(key), team, {"instances": [ROW]})

    assert refused.status_code == 403
    assert "another workspace" in refused.json()["message"]


def test_key_for_one_model_is_refused_for_another(team: Team, demo: ModelVersion) -> None:
    register(team.workspace, name="other")
    key = create_key(team, model="other")["key"]
    assert predict(key_client(key), team, {"instances": [ROW]}, name="other").status_code == 200
    assert predict(key_client(key), team, {"instances": [ROW]}).status_code == 403


@pytest.mark.parametrize(
    "header", ["Api-Key nonsense", "Api-Key", "Api-Key trb_00000000_" + "a" * 43]
)
def test_unknown_or_malformed_key_is_401(team: Team, demo: ModelVersion, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = predict(client, team, {"instances": [ROW]})
    assert response.status_code == 401 and response.json()["message"]


def test_a_key_opens_predict_only(team: Team, demo: ModelVersion) -> None:
    key = create_key(team)["key"]
    response = key_client(key).get(team.url("models/"))
    assert response.status_code == 401


def test_bad_key_model_name_is_400(team: Team) -> None:
    response = team.client("editor").post(team.url("api-keys/"), {"name": "a", "model": "no way"})
    assert response.status_code == 400 and response.json()["field"] == "model"


# --- batch scoring --------------------------------------------------------------------------


@pytest.fixture
def admin_client(team: Team) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_shows_keys_by_prefix_never_the_hash(team: Team, admin_client: Client) -> None:
    create_key(team)
    key = ApiKey.objects.get()

    listing = admin_client.get(reverse("admin:pipelines_apikey_changelist"))
    page = admin_client.get(reverse("admin:pipelines_apikey_change", args=[key.pk]))

    assert listing.status_code == page.status_code == 200
    assert key.prefix.encode() in listing.content and key.prefix.encode() in page.content
    assert key.secret_hash.encode() not in listing.content + page.content


def test_admin_revokes_keys(team: Team, admin_client: Client) -> None:
    create_key(team)
    key = ApiKey.objects.get()
    response = admin_client.post(
        reverse("admin:pipelines_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    assert ApiKey.objects.get().revoked_at is not None


def test_admin_stage_change_goes_through_the_registry(team: Team, admin_client: Client) -> None:
    register(team.workspace, version=1, stage="production")
    second = register(team.workspace, version=2)
    url = reverse("admin:pipelines_modelversion_change", args=[second.pk])

    response = admin_client.post(url, {"stage": "production", **EMPTY_INLINE})

    assert response.status_code == 302, response.content[:2000]
    assert dict(ModelVersion.objects.values_list("version", "stage")) == {
        1: "archived",
        2: "production",
    }
    assert StageTransition.objects.filter(changed_by__username="root").count() == 2


#: The management form of the (read-only) stage-history inline, as the admin page posts it.
EMPTY_INLINE = {
    "transitions-TOTAL_FORMS": "0",
    "transitions-INITIAL_FORMS": "0",
    "transitions-MIN_NUM_FORMS": "0",
    "transitions-MAX_NUM_FORMS": "1000",
}


def test_admin_pages_of_the_records_render(
    team: Team, demo: ModelVersion, admin_client: Client
) -> None:
    team.client("editor").patch(team.url("models/demo/versions/1/"), {"stage": "staging"})
    predict(team.client("viewer"), team, {"instances": [ROW]})
    monitoring.recorder.flush()
    for model in (StageTransition, PredictionLog, ModelVersion):
        meta = model._meta
        row = model.objects.first()
        for url in (
            reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk]),
        ):
            assert admin_client.get(url).status_code == 200, url
