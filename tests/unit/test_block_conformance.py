"""One battery that every registered block passes, the moment it is registered.

Like scikit-learn's `parametrize_with_checks`: the contract (key, family, ports, config schema,
docstring) and the behaviour (runs with each of its example configs, returns every output port,
and its inferred output schema matches what it actually produced) are checked per block.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backend.blocks import all_blocks, describe_block, find_block
from backend.blocks.base import FAMILIES, Block
from backend.blocks.ingest import load_sample
from backend.blocks.schema import TableSchema
from backend.blocks.tables import schema_of
from backend.blocks.values import Table

KNOWN_PORT_TYPES = {"table", "model", "metrics", "figure"}
DATASET_FRAME = pd.DataFrame({"x": np.arange(30, dtype="float64"), "label": ["a", "b", "c"] * 10})


class FakeContext:
    """A StepContext that records what the block reports."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.device = "cpu"
        self.logs: list[tuple[str, str]] = []
        self.metrics: list[tuple[str, float, int | None]] = []
        self.fractions: list[float] = []
        self.registered: list[tuple[str, Any, dict[str, float]]] = []

    def log(self, message: str, level: str = "info") -> None:
        self.logs.append((level, message))

    def metric(self, key: str, value: float, step: int | None = None) -> None:
        self.metrics.append((key, value, step))

    def progress(self, fraction: float) -> None:
        self.fractions.append(fraction)

    def cancelled(self) -> bool:
        return False

    def read_dataset(self, dataset_id: int) -> pd.DataFrame:
        return DATASET_FRAME.copy()

    def register_model(self, name: str, model: Any, metrics: dict[str, float]) -> int:
        self.registered.append((name, model, metrics))
        return len(self.registered)


class FakeEnv:
    """Schema look-ups for validation: dataset 1 is DATASET_FRAME."""

    def dataset_schema(self, dataset_id: int) -> TableSchema:
        if dataset_id != 1:
            raise LookupError(dataset_id)
        return schema_of(DATASET_FRAME)


BLOCKS = all_blocks()
CASES = [(b, c) for b in BLOCKS for c in b.example_configs]


def case_id(case: tuple[type[Block], dict[str, Any]]) -> str:
    block, config = case
    return f"{block.key}-{json.dumps(config, sort_keys=True)}"


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.key)
def test_contract(block: type[Block]) -> None:
    family, _, name = block.key.partition(".")
    assert family == block.family and family in FAMILIES and name
    assert block.title and block.description().splitlines()[0].strip(), "needs a docstring"
    assert block.version >= 1 and block.queue in {"cpu", "gpu"}
    assert block.outputs or block.family == "publish", "a block must produce something"
    for port in [*block.inputs.values(), *block.outputs.values()]:
        assert port.type in KNOWN_PORT_TYPES
    entry = describe_block(block)
    json.dumps(entry)  # the catalogue entry is JSON
    assert entry["config_schema"]["type"] == "object"
    assert block.example_configs, "the battery needs at least one example config"


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.key)
def test_config_refuses_unknown_keys(block: type[Block]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        block.parse_config({**block.example_configs[0], "no_such_option": 1})


def iris_table() -> Table:
    """The battery's table input: the iris sample, label in 'target'."""
    frame = load_sample("iris").copy()
    return Table(frame, target="target", raw_schema=schema_of(frame))


def example_input(port_type: str, block: type[Block]) -> Any:
    """A value of `port_type` as an upstream block would hand it over."""
    if port_type == "table":
        return iris_table()
    if port_type == "metrics":
        return {"accuracy": 0.9}
    if port_type == "model" and find_block("train.sklearn") is not None:
        trainer = find_block("train.sklearn")
        config = trainer.parse_config(block.example_model_config or trainer.example_configs[0])
        return trainer().run(FakeContext(config), train=iris_table())["model"]
    pytest.skip(f"the battery has no example {port_type} input yet")


def input_values(block: type[Block]) -> dict[str, Any]:
    return {name: example_input(port.type, block) for name, port in block.inputs.items()}


def output_schema(value: Any) -> TableSchema | None:
    return schema_of(value.frame) if isinstance(value, Table) else None


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_runs_and_matches_inferred_schema(case: tuple[type[Block], dict[str, Any]]) -> None:
    block, raw = case
    config = block.parse_config(raw)
    inputs = input_values(block)
    ctx = FakeContext(config)

    outputs = block().run(ctx, **inputs)

    assert set(outputs) == set(block.outputs)
    for port, spec in block.outputs.items():
        if spec.type == "table":
            assert isinstance(outputs[port], Table), f"{block.key}.{port} must be a Table"
    in_schemas = {name: output_schema(value) for name, value in inputs.items()}
    inferred, issues = block().infer_schemas(config, in_schemas, FakeEnv())
    assert issues == []
    for port, schema in inferred.items():
        if schema is not None:
            assert schema == output_schema(outputs[port]), f"{block.key}.{port} schema drifted"
    for level, message in ctx.logs:
        assert level in {"debug", "info", "warning", "error"} and message
    assert all(0.0 <= f <= 1.0 for f in ctx.fractions)
