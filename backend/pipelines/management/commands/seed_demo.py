"""Seed a demo user, a demo workspace and an example pipeline (idempotent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from backend.pipelines.models import Pipeline
from backend.pipelines.services import pipeline_create
from backend.workspaces.models import Membership, Role, Workspace

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "tributary-demo"
DEMO_WORKSPACE = "demo"
EXAMPLE_PIPELINE = "Iris classifier"


def example_graph() -> dict[str, Any]:
    """The example pipeline: the Iris sample, ready for feature and train blocks."""
    return {
        "nodes": [
            {
                "id": "iris",
                "block": "ingest.sample",
                "config": {"name": "iris"},
                "position": {"x": 0, "y": 0},
                "label": "Iris",
            }
        ],
        "edges": [],
    }


class Command(BaseCommand):
    """``manage.py seed_demo``: the demo login, workspace and example pipeline."""

    help = "Create the demo user, workspace and example pipeline if they do not exist."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD, help="demo user's password")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"email": "demo@example.com", "is_staff": True, "is_superuser": True},
        )
        if created:
            user.set_password(options["password"])
            user.save()
        workspace, _ = Workspace.objects.get_or_create(
            slug=DEMO_WORKSPACE, defaults={"name": "Demo", "created_by": user}
        )
        Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": Role.OWNER}
        )
        if not Pipeline.objects.filter(workspace=workspace, name=EXAMPLE_PIPELINE).exists():
            pipeline_create(
                workspace=workspace, user=user, name=EXAMPLE_PIPELINE, graph=example_graph()
            )
        self.stdout.write(
            f"demo login: {DEMO_USERNAME} / {options['password'] if created else '(unchanged)'}"
        )
