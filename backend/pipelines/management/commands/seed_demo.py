"""Seed a demo user, a demo workspace and an example pipeline (idempotent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from backend.pipelines.design.services import pipeline_create
from backend.pipelines.models import Pipeline
from backend.workspaces.models import Membership, Role, Workspace

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "tributary-demo"
DEMO_WORKSPACE = "demo"
EXAMPLE_PIPELINE = "Iris classifier"


def _node(node_id: str, block: str, x: int, y: int, label: str, **config: Any) -> dict[str, Any]:
    return {
        "id": node_id,
        "block": block,
        "config": config,
        "position": {"x": x, "y": y},
        "label": label,
    }


def _edge(source: str, source_port: str, target: str, target_port: str) -> dict[str, str]:
    return {
        "source": source,
        "source_port": source_port,
        "target": target,
        "target_port": target_port,
    }


def example_graph() -> dict[str, Any]:
    """Iris -> split -> scale -> random forest -> evaluate -> publish (when accuracy >= 0.9),
    in two rows of three, so that it fits the editor's canvas at 1280x800 at a readable zoom."""
    return {
        "nodes": [
            _node("iris", "ingest.sample", 0, 0, "Iris", name="iris"),
            _node("split", "feature.split", 300, 0, "Split", test_size=0.25, seed=0),
            _node("scale", "feature.scale", 600, 0, "Scale", method="standard"),
            _node(
                "forest",
                "train.sklearn",
                0,
                240,
                "Random forest",
                algorithm="random_forest",
                n_estimators=100,
                seed=0,
            ),
            _node("evaluate", "evaluate.classification", 300, 240, "Evaluate"),
            _node(
                "publish",
                "publish.model",
                600,
                240,
                "Publish",
                name="iris-classifier",
                metric="accuracy",
                threshold=0.9,
            ),
        ],
        "edges": [
            _edge("iris", "table", "split", "table"),
            _edge("split", "train", "scale", "train"),
            _edge("split", "test", "scale", "test"),
            _edge("scale", "train", "forest", "train"),
            _edge("forest", "model", "evaluate", "model"),
            _edge("scale", "test", "evaluate", "test"),
            _edge("forest", "model", "publish", "model"),
            _edge("evaluate", "metrics", "publish", "metrics"),
        ],
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
