"""factory_boy factories for the stored entities."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from backend.pipelines.models import Pipeline, PipelineVersion
from backend.workspaces.models import Membership, Role, Workspace

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose password is PASSWORD."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    """A workspace."""

    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A user's role in a workspace."""

    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR


IRIS_GRAPH = {
    "nodes": [
        {
            "id": "iris",
            "block": "ingest.sample",
            "config": {"name": "iris"},
            "position": {"x": 0, "y": 0},
        },
    ],
    "edges": [],
}


class PipelineFactory(factory.django.DjangoModelFactory):
    """A pipeline whose draft is a one-node graph."""

    class Meta:
        model = Pipeline

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"pipeline {n}")
    graph = factory.LazyFunction(lambda: {"nodes": list(IRIS_GRAPH["nodes"]), "edges": []})


class PipelineVersionFactory(factory.django.DjangoModelFactory):
    """A version of a pipeline."""

    class Meta:
        model = PipelineVersion

    pipeline = factory.SubFactory(PipelineFactory)
    number = factory.Sequence(lambda n: n + 1)
    graph = factory.LazyAttribute(lambda v: v.pipeline.graph)
