"""The conformance battery: checks that every block passes, the moment it is registered.

Like scikit-learn's ``check_estimator`` and ``parametrize_with_checks``. The contract (key,
family, ports, config schema, docstring) and the behaviour (runs with each of its example
configs, returns every output port, and its inferred output schema matches what it actually
produced) are checked per block. A plugin author runs the whole battery on their own block:

    from backend.blocks.checks import check_block

    check_block(MyBlock)

and a test suite parametrizes over ``block_checks()``, whose pairs are ``(block, check)`` with
``check(block)`` running one check. A check raises AssertionError naming the block and what to
fix, or CheckSkipped where the battery cannot exercise the block yet. Pure: no Django, and no
pytest either, so that any test runner (or none) can use it.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from backend.blocks.base import FAMILIES, Block, BlockConfig
from backend.blocks.ingest import load_sample
from backend.blocks.registry import all_blocks, describe_block, find_block
from backend.blocks.schema import TableSchema
from backend.blocks.tables import schema_of
from backend.blocks.values import Table

#: The port types the editor and the executor know how to wire and store.
KNOWN_PORT_TYPES = {"table", "model", "metrics", "figure"}
#: What FakeContext.read_dataset returns and FakeEnv describes as dataset 1.
DATASET_FRAME = pd.DataFrame({"x": np.arange(30, dtype="float64"), "label": ["a", "b", "c"] * 10})
LOG_LEVELS = {"debug", "info", "warning", "error"}
UNKNOWN_KEY = "no_such_option"

#: One check of the battery: called with the block class; raises AssertionError when it fails.
Check = Callable[[type[Block]], None]


class CheckSkipped(Exception):
    """A check that cannot exercise this block yet (no example input of one of its port types).

    A test runner reports it as a skip; ``check_block`` as a warning.
    """


class FakeContext:
    """A StepContext that records what the block reports, for running a block outside a worker."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.device = "cpu"
        self.logs: list[tuple[str, str]] = []
        self.metrics: list[tuple[str, float, int | None]] = []
        self.fractions: list[float] = []
        self.registered: list[tuple[str, Any, dict[str, float]]] = []

    def log(self, message: str, level: str = "info") -> None:
        """Record a log line as (level, message)."""
        self.logs.append((level, message))

    def metric(self, key: str, value: float, step: int | None = None) -> None:
        """Record a metric point as (key, value, step)."""
        self.metrics.append((key, value, step))

    def progress(self, fraction: float) -> None:
        """Record a progress fraction."""
        self.fractions.append(fraction)

    def cancelled(self) -> bool:
        """Never cancelled."""
        return False

    def read_dataset(self, dataset_id: int) -> pd.DataFrame:
        """A copy of DATASET_FRAME, whatever the id."""
        return DATASET_FRAME.copy()

    def register_model(self, name: str, model: Any, metrics: dict[str, float]) -> int:
        """Record the model; its version is how many have been registered so far."""
        self.registered.append((name, model, metrics))
        return len(self.registered)


class FakeEnv:
    """Schema look-ups for validation: dataset 1 is DATASET_FRAME, and no other dataset exists."""

    def dataset_schema(self, dataset_id: int) -> TableSchema:
        """DATASET_FRAME's schema for dataset 1; LookupError for any other id."""
        if dataset_id != 1:
            raise LookupError(dataset_id)
        return schema_of(DATASET_FRAME)


def iris_table() -> Table:
    """The battery's table input: the iris sample, label in 'target'."""
    frame = load_sample("iris").copy()
    return Table(frame, target="target", raw_schema=schema_of(frame))


def example_input(port_type: str, block: type[Block]) -> Any:
    """A value of `port_type` as an upstream block would hand it over to `block`.

    Raises CheckSkipped for a port type the battery has no example of yet.
    """
    if port_type == "table":
        return iris_table()
    if port_type == "metrics":
        return {"accuracy": 0.9}
    trainer = find_block("train.sklearn")
    if port_type == "model" and trainer is not None:
        config = trainer.parse_config(block.example_model_config or trainer.example_configs[0])
        return trainer().run(FakeContext(config), train=iris_table())["model"]
    raise CheckSkipped(f"{block.key}: the battery has no example {port_type} input yet")


def input_values(block: type[Block]) -> dict[str, Any]:
    """An example value for every input port of `block`, by port name."""
    return {name: example_input(port.type, block) for name, port in block.inputs.items()}


def output_schema(value: Any) -> TableSchema | None:
    """The schema of a Table output; None for any other kind of value."""
    return schema_of(value.frame) if isinstance(value, Table) else None


def _expect(condition: object, message: str) -> None:
    # An explicit raise rather than `assert`, which `python -O` would strip.
    if not condition:
        raise AssertionError(message)


def _first_example(block: type[Block]) -> dict[str, Any]:
    _expect(
        block.example_configs,
        f"{block.key}: the battery needs at least one example config; set example_configs",
    )
    return block.example_configs[0]


def check_contract(block: type[Block]) -> None:
    """The declared contract: key and family, title and docstring, version and queue, port
    types, a JSON catalogue entry with an object config schema, and example configs."""
    key = block.key
    family, _, name = key.partition(".")
    _expect(
        family in FAMILIES and name,
        f"{key}: a key looks like 'family.name' with a family of {', '.join(FAMILIES)}",
    )
    _expect(family == block.family, f"{key}: family is {block.family!r}; the key says {family!r}")
    _expect(block.title, f"{key}: needs a title (the palette's name for it)")
    _expect(
        block.description().splitlines() and block.description().splitlines()[0].strip(),
        f"{key}: needs a docstring; its first line is the palette's tooltip",
    )
    _expect(block.version >= 1, f"{key}: version must be 1 or more, got {block.version}")
    _expect(block.queue in {"cpu", "gpu"}, f"{key}: queue must be 'cpu' or 'gpu'")
    _expect(
        block.outputs or block.family == "publish",
        f"{key}: a block must produce something; declare its outputs",
    )
    for port, spec in [*block.inputs.items(), *block.outputs.items()]:
        _expect(
            spec.type in KNOWN_PORT_TYPES,
            f"{key}: port {port!r} has type {spec.type!r}; use one of {sorted(KNOWN_PORT_TYPES)}",
        )
    entry = describe_block(block)
    try:
        json.dumps(entry)
    except (TypeError, ValueError) as error:
        raise AssertionError(f"{key}: its catalogue entry is not JSON: {error}") from error
    _expect(
        entry["config_schema"].get("type") == "object",
        f"{key}: Config's JSON Schema must describe an object; derive Config from BlockConfig",
    )
    _first_example(block)


def check_config_refuses_unknown_keys(block: type[Block]) -> None:
    """The config refuses a key it does not declare, so that a typo is an error rather than a
    setting silently ignored."""
    try:
        block.parse_config({**_first_example(block), UNKNOWN_KEY: 1})
    except ValidationError as error:
        _expect(
            any(problem["loc"] == (UNKNOWN_KEY,) for problem in error.errors()),
            f"{block.key}: its first example config is invalid, not just the unknown key: {error}",
        )
        return
    raise AssertionError(
        f"{block.key}: its config accepted the unknown key {UNKNOWN_KEY!r}; "
        "derive Config from BlockConfig (extra='forbid')"
    )


def check_runs_and_matches_inferred_schema(block: type[Block], config: dict[str, Any]) -> None:
    """Run the block with one example config on example inputs: it returns every output port
    (a Table on table ports), and each schema infer_schemas states is what it produced."""
    where = f"{block.key} with example config {json.dumps(config, sort_keys=True)}"
    try:
        parsed = block.parse_config(config)
    except ValidationError as error:
        raise AssertionError(f"{where}: the example config is invalid: {error}") from error
    inputs = input_values(block)
    ctx = FakeContext(parsed)

    outputs = block().run(ctx, **inputs)

    _expect(
        set(outputs) == set(block.outputs),
        f"{where}: run() returned ports {sorted(outputs)}; it declares {sorted(block.outputs)}",
    )
    for port, spec in block.outputs.items():
        if spec.type == "table":
            _expect(isinstance(outputs[port], Table), f"{block.key}.{port} must be a Table")
    _check_inferred_schemas(block, parsed, inputs, outputs, where)
    for level, message in ctx.logs:
        _expect(level in LOG_LEVELS, f"{where}: log level {level!r} is not one of {LOG_LEVELS}")
        _expect(message, f"{where}: logged an empty message")
    _expect(
        all(0.0 <= f <= 1.0 for f in ctx.fractions),
        f"{where}: progress must be a fraction from 0 to 1, got {ctx.fractions}",
    )


def _check_inferred_schemas(
    block: type[Block],
    config: BlockConfig,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    where: str,
) -> None:
    in_schemas = {name: output_schema(value) for name, value in inputs.items()}
    inferred, issues = block().infer_schemas(config, in_schemas, FakeEnv())
    _expect(issues == [], f"{where}: infer_schemas reported issues on valid input: {issues}")
    for port, schema in inferred.items():
        _expect(port in outputs, f"{where}: infer_schemas names {port!r}, not an output port")
        if schema is not None:
            actual = output_schema(outputs[port])
            _expect(
                schema == actual,
                f"{block.key}.{port} schema drifted: infer_schemas says {schema}, "
                f"run() produced {actual}",
            )


def checks_for(block: type[Block]) -> Iterator[Check]:
    """Every check of the battery for `block`: its contract, its config, and one run per
    example config."""
    yield check_contract
    yield check_config_refuses_unknown_keys
    for config in block.example_configs:
        yield partial(check_runs_and_matches_inferred_schema, config=config)


def block_checks(
    blocks: Iterable[type[Block]] | None = None,
) -> Iterator[tuple[type[Block], Check]]:
    """(block, check) pairs for parametrizing a test, over `blocks` (default: every registered
    block); ``check(block)`` runs one check."""
    for block in all_blocks() if blocks is None else blocks:
        for check in checks_for(block):
            yield block, check


def check_block(block: type[Block]) -> None:
    """Run the whole battery on `block`; raises AssertionError at the first check it fails.

    A check that cannot exercise the block yet (CheckSkipped) is reported as a UserWarning.
    """
    for check in checks_for(block):
        try:
            check(block)
        except CheckSkipped as skipped:
            warnings.warn(f"conformance check skipped: {skipped}", UserWarning, stacklevel=2)
