"""Run a pipeline headless and, with --wait, print step statuses as they change."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from backend.errors import UserError
from backend.pipelines.models import Pipeline, Run, StepRun
from backend.pipelines.runs.services import run_start
from backend.workspaces.models import Membership, Role, Workspace


class Command(BaseCommand):
    """``manage.py run_pipeline <workspace> <pipeline> [--wait]``."""

    help = "Start a run of a pipeline (by id or name) in a workspace (by slug)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("workspace", help="workspace slug")
        parser.add_argument("pipeline", help="pipeline id or name")
        parser.add_argument("--wait", action="store_true", help="follow the run until it ends")
        parser.add_argument(
            "--pipeline-version", type=int, help="run this version (default: the draft)"
        )
        parser.add_argument("--no-cache", action="store_true", help="recompute every step")
        parser.add_argument("--from-node", help="re-run this node and what depends on it")
        parser.add_argument("--user", help="run as this user (default: a workspace owner)")
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"no workspace '{options['workspace']}'")
        pipeline = self._pipeline(workspace, options["pipeline"])
        try:
            run = run_start(
                pipeline=pipeline,
                user=self._user(workspace, options.get("user")),
                version_number=options.get("pipeline_version"),
                use_cache=not options["no_cache"],
                from_node=options.get("from_node"),
            )
        except UserError as exc:
            details = "".join(f"\n  - {e}" for e in exc.errors)
            raise CommandError(f"{exc.message}{details}") from None
        self.stdout.write(f"run {run.pk} of '{pipeline.name}' v{run.version.number}: queued")
        if options["wait"]:
            run = self._follow(run, options["timeout"])
            if run.status != "succeeded":
                raise CommandError(f"run {run.pk} {run.status}: {run.error}")

    def _pipeline(self, workspace: Workspace, key: str) -> Pipeline:
        pipelines = Pipeline.objects.filter(workspace=workspace)
        pipeline = pipelines.filter(pk=int(key)).first() if key.isdigit() else None
        pipeline = pipeline or pipelines.filter(name=key).first()
        if pipeline is None:
            raise CommandError(f"no pipeline '{key}' in workspace '{workspace.slug}'")
        return pipeline

    def _user(self, workspace: Workspace, username: str | None) -> Any:
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"no user '{username}'")
            return user
        owner = Membership.objects.filter(workspace=workspace, role=Role.OWNER).first()
        return owner.user if owner else None

    def _follow(self, run: Run, timeout: float) -> Run:
        seen: dict[str, tuple[str, int]] = {}
        deadline = time.monotonic() + timeout
        while True:
            for step in StepRun.objects.filter(run=run).order_by("id"):
                state = (step.status, step.attempt)
                if seen.get(step.node_id) != state:
                    seen[step.node_id] = state
                    detail = f" ({step.error_message})" if step.error_message else ""
                    self.stdout.write(f"  {step.node_id:<20} {step.status}{detail}")
            run.refresh_from_db()
            if run.is_finished:
                self.stdout.write(f"run {run.pk}: {run.status}")
                return run
            if time.monotonic() > deadline:
                raise CommandError(f"run {run.pk} still {run.status} after {timeout:.0f} s")
            time.sleep(0.3)
