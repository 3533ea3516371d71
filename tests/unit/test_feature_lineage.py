"""Feature blocks: servable on raw rows through their JSON lineage, precise about columns,
and clear about what a user got wrong."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backend.blocks.base import BlockRunError
from backend.blocks.checks import FakeEnv, iris_table
from backend.blocks.tables import schema_of
from backend.blocks.values import (
    apply_lineage,
    lineage_from_json,
    lineage_to_json,
)
from backend.engine.graph import Graph, validate_graph
from tests.unit.feature_cases import (
    IRIS_CASES,
    KINDS,
    NUMBERS,
    infer,
    mixed_frame,
    run,
    split,
    table,
)

STEPS = {
    "select_keep": [("feature.select_columns", {"columns": ["city", "age"]})],
    "select_drop": [("feature.select_columns", {"columns": ["plan"], "mode": "drop"})],
    "impute": [("feature.impute", {"numeric_strategy": "median"})],
    "scale": [("feature.scale", {"method": "robust"})],
    "one_hot": [("feature.one_hot", {})],
    "pca": [("feature.impute", {}), ("feature.pca", {"n_components": 2, "whiten": True})],
    "everything": [
        ("feature.select_columns", {"columns": ["member"], "mode": "drop"}),
        ("feature.impute", {}),
        ("feature.one_hot", {}),
        ("feature.scale", {}),
        ("feature.pca", {"columns": NUMBERS, "n_components": 2}),
    ],
}


@pytest.mark.parametrize("steps", STEPS.values(), ids=list(STEPS))
def test_lineage_reproduces_test_features_from_raw_rows(steps: list[tuple[str, dict]]) -> None:
    train, test = split(mixed_frame())
    raw = test.frame.drop(columns="target")
    for key, config in steps:
        outputs, _ = run(key, config, train=train, test=test)
        train, test = outputs["train"], outputs["test"]

    stored = json.loads(json.dumps(lineage_to_json(test.lineage), allow_nan=False))
    lineage = lineage_from_json(stored)

    assert [step["kind"] for step in stored] == [KINDS[key] for key, _ in steps]
    assert train.lineage == test.lineage
    served = apply_lineage(raw, lineage)
    pd.testing.assert_frame_equal(served, test.frame.drop(columns="target"))
    shuffled = apply_lineage(raw.sample(frac=1.0, random_state=1), lineage)
    pd.testing.assert_frame_equal(shuffled.loc[served.index], served, rtol=1e-12)


@pytest.mark.parametrize(("key", "config"), IRIS_CASES)
def test_unwired_test_output_is_empty_with_the_train_columns(
    key: str, config: dict[str, Any]
) -> None:
    iris = iris_table()

    outputs, ctx = run(key, config, train=iris)

    train, test = outputs["train"], outputs["test"]
    assert test.frame.empty
    assert schema_of(test.frame) == schema_of(train.frame)
    assert (test.target, test.lineage) == ("target", train.lineage)
    assert [t.kind for t in train.lineage] == [KINDS[key]]
    inferred, _ = infer(key, config, train=schema_of(iris.frame))
    assert inferred["test"] == inferred["train"]
    assert ctx.logs and ctx.fractions[-1] == 1.0


@pytest.mark.parametrize(
    ("key", "config"),
    [
        ("feature.split", {}),
        ("feature.impute", {}),
        ("feature.scale", {"columns": ["age", "visits"]}),
        ("feature.select_columns", {"columns": ["city", "plan"], "mode": "drop"}),
        (
            "feature.select_columns",
            {"columns": ["age", "income", "visits", "city", "plan", "member", "target"]},
        ),
        ("feature.pca", {"columns": ["income", "visits"], "n_components": 2}),
    ],
)
def test_inferred_schema_is_what_runs(key: str, config: dict[str, Any]) -> None:
    train, test = split(mixed_frame())
    test = table(test.frame.astype({"visits": "float64"}))
    inputs = {"table": train} if key == "feature.split" else {"train": train, "test": test}

    outputs, _ = run(key, config, **inputs)

    inferred, issues = infer(key, config, **{p: schema_of(t.frame) for p, t in inputs.items()})
    assert issues == []
    for port, output in outputs.items():
        assert inferred[port] == schema_of(output.frame)


def test_one_hot_schema_is_unknown_until_run() -> None:
    inferred, issues = infer("feature.one_hot", {}, train=schema_of(mixed_frame()))
    assert (inferred, issues) == ({"train": None, "test": None}, [])


@pytest.mark.parametrize(
    ("key", "config"),
    [
        ("feature.select_columns", {"columns": ["target"], "mode": "drop"}),
        ("feature.impute", {"columns": ["sepal length (cm)", "target"]}),
        ("feature.scale", {"columns": ["target"]}),
        ("feature.one_hot", {"columns": ["target"]}),
        ("feature.pca", {"columns": ["petal length (cm)", "target"], "n_components": 1}),
    ],
)
def test_the_label_is_never_transformed(key: str, config: dict[str, Any]) -> None:
    with pytest.raises(BlockRunError, match="'target' is the label") as caught:
        run(key, config, train=iris_table())
    assert caught.value.place == {"field": "columns", "column": "target"}


def test_select_columns_keeps_the_label_in_table_order() -> None:
    config = {"columns": ["petal length (cm)", "target", "sepal length (cm)"]}

    outputs, _ = run("feature.select_columns", config, train=iris_table())

    assert list(outputs["train"].frame.columns) == [
        "sepal length (cm)",
        "petal length (cm)",
        "target",
    ]
    served = apply_lineage(iris_table().frame.drop(columns="target"), outputs["train"].lineage)
    assert list(served.columns) == ["sepal length (cm)", "petal length (cm)"]


@pytest.mark.parametrize(("key", "config"), IRIS_CASES)
@pytest.mark.parametrize("port", ["train", "test"])
def test_unknown_column_at_run_names_port_field_and_column(
    key: str, config: dict[str, Any], port: str
) -> None:
    iris = iris_table()
    inputs = {"train": iris, "test": iris}
    inputs[port] = table(iris.frame.drop(columns="sepal width (cm)"))

    with pytest.raises(BlockRunError, match="'sepal width \\(cm\\)' is not in the") as caught:
        run(key, {**config, "columns": ["sepal width (cm)"]}, **inputs)

    assert caught.value.place == {"field": "columns", "port": port, "column": "sepal width (cm)"}


def pipeline(*steps: tuple[str, dict[str, Any]]) -> Graph:
    """iris -> split -> each step in turn, train and test wired through."""
    nodes = [
        {"id": "iris", "block": "ingest.sample", "config": {"name": "iris"}},
        {"id": "split", "block": "feature.split"},
    ]
    edges = [{"source": "iris", "source_port": "table", "target": "split", "target_port": "table"}]
    previous = "split"
    for index, (key, config) in enumerate(steps):
        node = f"step{index}"
        nodes.append({"id": node, "block": key, "config": config})
        edges += [
            {"source": previous, "source_port": p, "target": node, "target_port": p}
            for p in ("train", "test")
        ]
        previous = node
    return Graph.model_validate({"nodes": nodes, "edges": edges})


@pytest.mark.parametrize(("key", "config"), IRIS_CASES)
def test_unknown_column_at_validation_names_node_port_field_and_column(
    key: str, config: dict[str, Any]
) -> None:
    graph = pipeline((key, {**config, "columns": ["petal colour"]}))

    issues = validate_graph(graph, FakeEnv())

    assert [(i.node, i.port, i.field, i.column) for i in issues] == [
        ("step0", "train", "columns", "petal colour")
    ]


def test_validation_follows_columns_through_feature_blocks() -> None:
    dropped = ("feature.select_columns", {"columns": ["petal width (cm)"], "mode": "drop"})
    graph = pipeline(dropped, ("feature.scale", {"columns": ["petal width (cm)"]}))

    issues = validate_graph(graph, FakeEnv())

    assert [(i.node, i.field, i.column) for i in issues] == [
        ("step1", "columns", "petal width (cm)")
    ]
    assert validate_graph(pipeline(dropped, ("feature.scale", {})), FakeEnv()) == []


def test_a_column_only_test_lacks_is_reported_on_the_test_port() -> None:
    iris = schema_of(iris_table().frame)
    partial = schema_of(iris_table().frame.drop(columns="sepal width (cm)"))

    _, issues = infer("feature.scale", {"columns": ["sepal width (cm)"]}, train=iris, test=partial)

    assert [(i.port, i.field, i.column) for i in issues] == [
        ("test", "columns", "sepal width (cm)")
    ]


@pytest.mark.parametrize(
    ("key", "config"), [("feature.scale", {}), ("feature.pca", {"n_components": 1})]
)
def test_text_given_to_a_numeric_block_says_to_encode_it(key: str, config: dict[str, Any]) -> None:
    train, test = split(mixed_frame())
    config = {**config, "columns": ["income", "city"]}
    hint = "column 'city' is text; one-hot encode it first (feature.one_hot) or drop it"

    with pytest.raises(BlockRunError, match=re.escape(hint)) as caught:
        run(key, config, train=train, test=test)

    assert caught.value.place == {"field": "columns", "column": "city"}
    _, issues = infer(key, config, train=schema_of(train.frame))
    assert [(i.message, i.field, i.port, i.column) for i in issues] == [
        (hint, "columns", "train", "city")
    ]


ODD = pd.DataFrame(
    {
        "x": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
        "blank": [np.nan] * 6,
        "code": list("abcdef"),
        "target": [0, 1] * 3,
    }
)


@pytest.mark.parametrize(
    ("key", "config", "place", "hint"),
    [
        ("feature.impute", {"columns": ["blank"]}, ("columns", "blank"), "constant strategy"),
        ("feature.scale", {"columns": ["blank"]}, ("columns", "blank"), "feature.impute"),
        ("feature.pca", {"columns": ["x"], "n_components": 1}, ("columns", "x"), "feature.impute"),
        (
            "feature.impute",
            {"numeric_strategy": "constant", "fill_value": "n/a"},
            ("fill_value", None),
            "give a number",
        ),
        (
            "feature.one_hot",
            {"columns": ["code"], "max_categories": 3},
            ("max_categories", "code"),
            "raise it or drop the column",
        ),
    ],
)
def test_data_that_cannot_be_fitted_says_how_to_fix_it(
    key: str, config: dict[str, Any], place: tuple[str, str | None], hint: str
) -> None:
    with pytest.raises(BlockRunError, match=hint) as caught:
        run(key, config, train=table(ODD))
    assert (caught.value.place["field"], caught.value.place.get("column")) == place


@pytest.mark.parametrize(("key", "config"), IRIS_CASES)
def test_an_empty_train_table_is_refused(key: str, config: dict[str, Any]) -> None:
    with pytest.raises(BlockRunError, match="no rows to fit on") as caught:
        run(key, config, train=table(iris_table().frame.head(0)))
    assert caught.value.place == {"port": "train"}
