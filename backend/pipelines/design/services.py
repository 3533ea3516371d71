"""Designing pipelines: the draft, its validation against the workspace, and immutable versions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from backend.engine.graph import (
    Graph,
    GraphError,
    GraphIssue,
    check_graph,
    parse_graph,
    validate_graph,
)
from backend.engine.graph.checks import GraphLimits, check_graph_size
from backend.errors import ConflictError, UserError
from backend.pipelines.design.selectors import WorkspaceSchemaEnv
from backend.pipelines.models import Pipeline, PipelineVersion
from backend.workspaces.models import Workspace


def graph_limits() -> GraphLimits:
    """The graph limits of this deployment (the "Request limits" settings)."""
    return GraphLimits(
        max_nodes=settings.GRAPH_MAX_NODES,
        max_edges=settings.GRAPH_MAX_EDGES,
        step_max_bytes=settings.STEP_MAX_BYTES,
    )


def graph_parse(data: Any) -> Graph:
    """Parse graph JSON from a request. One with more nodes or edges than the limits is refused
    before it is parsed, so an oversized graph costs a count, not a validation."""
    if isinstance(data, dict):
        nodes, edges = data.get("nodes"), data.get("edges")
        issues = check_graph_size(
            len(nodes) if isinstance(nodes, list) else 0,
            len(edges) if isinstance(edges, list) else 0,
            graph_limits(),
        )
        if issues:
            raise GraphError(issues)
    return parse_graph(data)


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
    parsed = graph_parse(graph if graph is not None else {"nodes": [], "edges": []})
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
        locked.graph = graph_parse(graph).to_json()
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
    return validate_graph(graph_parse(graph), WorkspaceSchemaEnv(workspace), graph_limits())


def graph_check(*, workspace: Workspace, graph: Any) -> Graph:
    """The parsed graph when it can run in `workspace`; else GraphError with every problem."""
    parsed = graph_parse(graph)
    check_graph(parsed, WorkspaceSchemaEnv(workspace), graph_limits())
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
    check_graph(graph, WorkspaceSchemaEnv(locked.workspace), graph_limits())
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
