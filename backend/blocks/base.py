"""The block contract: ports, configuration, the step context and the Block base class.

A block is a plain Python class: it knows nothing of Django, Celery or Channels. Everything it
needs at run time (configuration, datasets, logging, metrics, progress, the device, cancellation)
comes through the StepContext the executor hands it.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from backend.blocks.schema import TableSchema
from backend.errors import UserError

Family = Literal["ingest", "feature", "train", "evaluate", "publish"]
FAMILIES: tuple[Family, ...] = ("ingest", "feature", "train", "evaluate", "publish")
Queue = Literal["cpu", "gpu"]


@dataclass(frozen=True)
class Port:
    """A typed input or output of a block. Edges may only join ports of the same type."""

    type: str
    required: bool = True
    description: str = ""

    def optional(self) -> Port:
        """The same port, not required to be wired."""
        return replace(self, required=False)

    def describe(self, description: str) -> Port:
        """The same port with a description for the editor."""
        return replace(self, description=description)


TABLE = Port("table")
MODEL = Port("model")
METRICS = Port("metrics")
FIGURE = Port("figure")


class BlockConfig(BaseModel):
    """Base for block configurations: unknown keys are errors, values are validated."""

    model_config = ConfigDict(extra="forbid")


class SchemaEnv(Protocol):
    """What validation may ask the outside world while inferring table schemas."""

    def dataset_schema(self, dataset_id: int) -> TableSchema:
        """The schema of a dataset; raises LookupError when it does not exist."""
        ...


class StepContext(Protocol):
    """What a running block gets from the executor."""

    config: Any
    device: str

    def log(self, message: str, level: str = "info") -> None:
        """Record a log line for this step."""
        ...

    def metric(self, key: str, value: float, step: int | None = None) -> None:
        """Record a metric value, optionally at a step (epoch, iteration)."""
        ...

    def progress(self, fraction: float) -> None:
        """Report progress between 0 and 1."""
        ...

    def cancelled(self) -> bool:
        """Whether the run was cancelled; long loops check it and return early."""
        ...

    def read_dataset(self, dataset_id: int) -> Any:
        """The rows of an uploaded dataset as a pandas DataFrame (LookupError when gone)."""
        ...

    def register_model(self, name: str, model: Any, metrics: dict[str, float]) -> int:
        """Register a TrainedModel as the next version of model `name`; returns the version."""
        ...


@dataclass(frozen=True)
class ConfigIssue:
    """A problem found in a node's configuration before running (e.g. an unknown column)."""

    message: str
    field: str | None = None
    port: str | None = None
    column: str | None = None


class Block:
    """Base class of every block. Subclasses declare their contract as class attributes."""

    #: Stable id, ``family.name``; never reuse one for a different behaviour.
    key: ClassVar[str]
    #: Bump when outputs for the same inputs and config change (invalidates the cache).
    version: ClassVar[int] = 1
    #: Short name in the palette.
    title: ClassVar[str]
    family: ClassVar[Family]
    inputs: ClassVar[dict[str, Port]] = {}
    outputs: ClassVar[dict[str, Port]] = {}
    #: Queue the step runs on: ``gpu`` for blocks that benefit from CUDA.
    queue: ClassVar[Queue] = "cpu"
    #: Extra attempts after a failure that is not the user's fault (worker lost, or one of
    #: `retry_on` raised). A user error (bad config or data) is never retried.
    retries: ClassVar[int] = 1
    retry_on: ClassVar[tuple[type[BaseException], ...]] = (OSError, TimeoutError, MemoryError)
    #: Configs the conformance battery runs the block with, on the iris sample table (label in
    #: 'target') for table inputs; override when a field is required.
    example_configs: ClassVar[list[dict[str, Any]]] = [{}]
    #: For blocks with a model input: the train.sklearn config the battery trains it with
    #: (default: train.sklearn's first example, a classifier).
    example_model_config: ClassVar[dict[str, Any] | None] = None

    class Config(BlockConfig):
        """No configuration."""

    @classmethod
    def description(cls) -> str:
        """The docstring; its first line is the palette's tooltip."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def parse_config(cls, raw: dict[str, Any] | None) -> BlockConfig:
        """Validate a raw config; raises pydantic.ValidationError."""
        return cls.Config.model_validate(raw or {})

    def infer_schemas(
        self,
        config: Any,
        inputs: dict[str, TableSchema | None],
        env: SchemaEnv,
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        """Output table schemas from input schemas (None: unknown until run), plus problems.

        Override to check column names against the upstream schema and to propagate it.
        The default knows nothing about the outputs.
        """
        return {}, []

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        """Do the work; return a value for every output port."""
        raise NotImplementedError


def missing_columns(
    schema: TableSchema | None, wanted: list[str], *, field: str, port: str
) -> list[ConfigIssue]:
    """Issues for each name in `wanted` that `schema` (when known) lacks."""
    if schema is None:
        return []
    known = set(schema.names)
    return [
        ConfigIssue(
            f"column '{name}' is not in the input table (columns: {', '.join(schema.names)})",
            field=field,
            port=port,
            column=name,
        )
        for name in wanted
        if name not in known
    ]


class StepCancelled(Exception):
    """Raised by a block that saw `ctx.cancelled()` and stopped early."""


class BlockRunError(UserError):
    """A block could not do its work because of its input or configuration."""

    code = "block_failed"
