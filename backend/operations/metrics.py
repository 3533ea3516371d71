"""Prometheus metrics at ``/metrics``, through prometheus_client.

Two kinds of family, kept apart because they scale differently with web processes:

- Observed in this process as requests pass: request latency by route, method and status
  (`RequestMetricsMiddleware`), and predict latency per model (`predict_observed`, called by the
  predict view). With one web process they are served from the process's registry. With
  several, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder that every web process shares
  (prometheus_client's multiprocess mode): each process writes its samples there and any of
  them serves the sum.
- Read at scrape time (`StateCollector`): runs and steps by status, the duration of finished
  steps, and the broker's queue depths. They come from PostgreSQL and Redis, the truth shared by
  every process, so they are the same whichever process answers.

Step duration is built from the database, not observed where the step ends: steps finish in
worker processes, which serve no HTTP and would need a metrics port or a push gateway of their
own; the database already holds each step's start and finish. The histogram counts every
succeeded or failed step still recorded, so it only grows (deleted runs read as a counter
reset) and ``rate()`` over it works like over any histogram.

The route label is the URL pattern (``api/v1/workspaces/<slug:slug>/runs/<int:pk>/``), never
the raw path, and an unknown method is labelled ``other``: nothing a client sends can make the
label sets grow without bound.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from backend.engine.celery import QUEUES
from backend.engine.workers import BrokerUnavailable, queue_depths
from backend.pipelines.models import Run, RunStatus, StepRun, StepStatus

logger = logging.getLogger(__name__)

#: Label for a request that matched no URL pattern (a 404, a redirect, a static file).
NO_ROUTE = "<none>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Step durations range from milliseconds (a cached read) to hours (training).
STEP_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600)
#: The step statuses the duration histogram counts: those that ran to an end.
TIMED_STATUSES = (StepStatus.SUCCEEDED, StepStatus.FAILED)

REQUEST_LATENCY = Histogram(
    "tributary_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL pattern, method and status code.",
    ["route", "method", "status"],
)
PREDICT_LATENCY = Histogram(
    "tributary_predict_duration_seconds",
    "Time to answer a predict request that reached a model, by workspace, model and outcome.",
    ["workspace", "model", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def predict_observed(*, workspace: str, model: str, seconds: float, ok: bool) -> None:
    """Record one predict request answered by `model` of `workspace` (ok, or refused rows)."""
    PREDICT_LATENCY.labels(workspace, model, "ok" if ok else "error").observe(seconds)


def _observe(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    match = getattr(request, "resolver_match", None)
    route = (match.route or NO_ROUTE) if match is not None else NO_ROUTE
    method = request.method if request.method in _METHODS else "other"
    REQUEST_LATENCY.labels(route, method, str(response.status_code)).observe(
        time.perf_counter() - started
    )


class RequestMetricsMiddleware:
    """Observes every request's latency under its URL pattern; works under WSGI and ASGI
    without a thread hop (it is both sync and async capable)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if iscoroutinefunction(self):
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        _observe(request, response, started)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = await self.get_response(request)
        _observe(request, response, started)
        return response


def _source_up(up: dict[str, bool]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "tributary_metrics_source_up",
        "1 when this scrape could read the source (database, broker), else 0: the families "
        "read from a source that is down are missing from this scrape.",
        labels=["source"],
    )
    for source, ok in up.items():
        family.add_metric([source], 1 if ok else 0)
    return family


class StateCollector(Collector):
    """Families read from PostgreSQL and the broker at each scrape (see the module docstring).

    A source that fails is logged and reported as down in ``tributary_metrics_source_up``; the
    scrape still answers with the rest.
    """

    def collect(self) -> Iterator[Metric]:
        """Yield the runs, steps, step-duration and queue-depth families."""
        up = {"database": True, "broker": True}
        try:
            families = [self._runs(), self._steps(), self._step_durations()]
        except DatabaseError:
            logger.warning("metrics: the database could not be read", exc_info=True)
            up["database"], families = False, []
        yield from families
        try:
            depths = queue_depths(QUEUES, timeout=settings.READINESS_TIMEOUT_SECONDS)
        except BrokerUnavailable:
            logger.warning("metrics: the broker could not be read", exc_info=True)
            up["broker"] = False
        else:
            family = GaugeMetricFamily(
                "tributary_queue_depth",
                "Step and task messages waiting in the broker for a worker, by queue.",
                labels=["queue"],
            )
            for queue, depth in depths.items():
                family.add_metric([queue], depth)
            yield family
        yield _source_up(up)

    def _runs(self) -> GaugeMetricFamily:
        counts = dict.fromkeys(RunStatus.values, 0)
        for row in Run.objects.values("status").annotate(n=Count("id")).order_by():
            counts[row["status"]] = row["n"]
        family = GaugeMetricFamily("tributary_runs", "Runs recorded, by status.", labels=["status"])
        for status, n in counts.items():
            family.add_metric([status], n)
        return family

    def _steps(self) -> GaugeMetricFamily:
        counts = {(s, q): 0 for s in StepStatus.values for q in QUEUES}
        rows = StepRun.objects.values("status", "queue").annotate(n=Count("id")).order_by()
        for row in rows:
            counts[(row["status"], row["queue"])] = row["n"]
        family = GaugeMetricFamily(
            "tributary_steps", "Steps recorded, by status and queue.", labels=["status", "queue"]
        )
        for (status, queue), n in counts.items():
            family.add_metric([status, queue], n)
        return family

    def _step_durations(self) -> HistogramMetricFamily:
        took = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        buckets = {
            f"le_{i}": Count("id", filter=Q(took__lte=timedelta(seconds=bound)))
            for i, bound in enumerate(STEP_BUCKETS)
        }
        rows = (
            StepRun.objects.filter(
                status__in=TIMED_STATUSES, started_at__isnull=False, finished_at__isnull=False
            )
            .annotate(took=took)
            .values("block_key", "status")
            .annotate(count=Count("id"), total=Sum("took"), **buckets)
            .order_by()
        )
        family = HistogramMetricFamily(
            "tributary_step_duration_seconds",
            "Running time of finished steps (start of the last attempt to its end), by block "
            "and status.",
            labels=["block", "status"],
        )
        for row in rows:
            bounds = [(str(float(b)), row[f"le_{i}"]) for i, b in enumerate(STEP_BUCKETS)]
            family.add_metric(
                [row["block_key"], row["status"]],
                buckets=[*bounds, ("+Inf", row["count"])],
                sum_value=row["total"].total_seconds() if row["total"] else 0.0,
            )
        return family


class _Forward(Collector):
    """Another registry's families, served as part of the scrape's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        """The other registry's families, as it collects them."""
        return self.registry.collect()


def scrape_registry() -> CollectorRegistry:
    """What one scrape serves: this process's families (every web process's in multiprocess
    mode) and the state read at scrape time."""
    registry = CollectorRegistry(auto_describe=False)
    if settings.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        registry.register(_Forward(REGISTRY))
    registry.register(StateCollector())
    return registry


def _authorized(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return True
    sent = request.headers.get("Authorization", "")
    return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus text exposition; wants ``Authorization: Bearer <METRICS_TOKEN>`` when that
    setting is set."""
    if not _authorized(request):
        response = HttpResponse(
            "/metrics wants the header 'Authorization: Bearer <METRICS_TOKEN>'.\n",
            status=401,
            content_type="text/plain",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    # The format the scraper asks for: Prometheus text, or OpenMetrics.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(scrape_registry()), content_type=content_type)
