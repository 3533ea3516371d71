"""Designing pipelines: the draft, its validation against the workspace, and immutable versions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from backend.engine.graph import Graph, GraphIssue, check_graph, parse_graph, validate_graph
from backend.errors import ConflictError, UserError
from backend.pipelines.design.selectors import WorkspaceSchemaEnv
from backend.pipelines.models import Pipeline, PipelineVersion
from backend.workspaces.models import Workspace


def _check_name_free(workspace: Workspace, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise UserError("name must not be blank", field="name")
    clash = Pipeline.objects.filter(workspace=workspace, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ConflictError(f"a pipeline named '{name}' already exists", field="name")
    return name


def pipeline_create(
    *,
    workspace: Workspace,
    user: AbstractBaseUser,
    name: str,
    graph: Any = None,
    description: str = "",
) -> Pipeline:
    """Create a pipeline with a draft graph (its shape is checked, not whether it can run)."""
    parsed = parse_graph(graph if graph is not None else {"nodes": [], "edges": []})
    try:
        with transaction.atomic():
            return Pipeline.objects.create(
                workspace=workspace,
                name=_check_name_free(workspace, name),
                description=description,
                graph=parsed.to_json(),
                created_by=user,
            )
    except IntegrityError:
        raise ConflictError(f"a pipeline named '{name}' already exists", field="name") from None


@transaction.atomic
def pipeline_update(
    *,
    pipeline: Pipeline,
    revision: int,
    graph: Any = None,
    name: str | None = None,
    description: str | None = None,
) -> Pipeline:
    """Save the draft. `revision` must be the current one, else 409 (someone saved since)."""
    locked = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    if revision != locked.revision:
        raise ConflictError(
            f"the pipeline was saved by someone else (revision {locked.revision}, you sent "
            f"{revision}); reload it and apply your change again",
            field="revision",
        )
    if graph is not None:
        locked.graph = parse_graph(graph).to_json()
    if name is not None:
        locked.name = _check_name_free(locked.workspace, name, exclude=locked.pk)
    if description is not None:
        locked.description = description
    locked.revision += 1
    locked.save()
    return locked


def pipeline_delete(*, pipeline: Pipeline) -> None:
    """Delete a pipeline, its versions and runs."""
    pipeline.delete()


def graph_validate(*, workspace: Workspace, graph: Any) -> list[GraphIssue]:
    """Every problem that would stop `graph` from running in `workspace`."""
    return validate_graph(parse_graph(graph), WorkspaceSchemaEnv(workspace))


def graph_check(*, workspace: Workspace, graph: Any) -> Graph:
    """The parsed graph when it can run in `workspace`; else GraphError with every problem."""
    parsed = parse_graph(graph)
    check_graph(parsed, WorkspaceSchemaEnv(workspace))
    return parsed


@transaction.atomic
def version_create(
    *,
    pipeline: Pipeline,
    user: AbstractBaseUser | None,
    message: str = "",
) -> PipelineVersion:
    """Snapshot the draft as the next version; the graph must be able to run and differ from
    the latest version's (an identical version would only make the history longer)."""
    locked, graph, latest = _draft_and_latest(pipeline)
    if latest is not None and _same_graph(latest, graph):
        raise ConflictError(
            f"nothing changed since version {latest.number}: the draft is the same graph",
            code="unchanged",
        )
    check_graph(graph, WorkspaceSchemaEnv(locked.workspace))
    return _next_version(locked, latest, graph, user, message)


def version_snapshot(*, pipeline: Pipeline, user: AbstractBaseUser | None) -> PipelineVersion:
    """The version a run of the draft executes: the latest one when the draft is unchanged,
    else a new one. Not validated here: the caller validates it once, in its transaction, so
    an invalid draft leaves no version behind."""
    locked, graph, latest = _draft_and_latest(pipeline)
    if latest is not None and _same_graph(latest, graph):
        return latest
    return _next_version(locked, latest, graph, user, "Snapshot of the draft for a run")


def _draft_and_latest(pipeline: Pipeline) -> tuple[Pipeline, Graph, PipelineVersion | None]:
    """The pipeline locked for numbering a version, its parsed draft, and its latest version."""
    locked = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    return locked, parse_graph(locked.graph), locked.versions.order_by("-number").first()


def _same_graph(version: PipelineVersion, graph: Graph) -> bool:
    return parse_graph(version.graph).to_json() == graph.to_json()


def _next_version(
    pipeline: Pipeline,
    latest: PipelineVersion | None,
    graph: Graph,
    user: AbstractBaseUser | None,
    message: str,
) -> PipelineVersion:
    return PipelineVersion.objects.create(
        pipeline=pipeline,
        number=(latest.number if latest else 0) + 1,
        graph=graph.to_json(),
        message=message.strip(),
        author=user,
    )


@transaction.atomic
def version_restore(*, pipeline: Pipeline, version: PipelineVersion, revision: int) -> Pipeline:
    """Make a version's graph the draft again (a normal, revision-checked draft save)."""
    return pipeline_update(pipeline=pipeline, revision=revision, graph=version.graph)
