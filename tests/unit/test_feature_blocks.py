"""Feature blocks: equal to scikit-learn on the same data and seed, fitted on train only,
servable on raw rows through their JSON lineage, and precise about what a user got wrong."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import preprocessing
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split

from backend.blocks import get_block
from backend.blocks.base import BlockRunError
from backend.blocks.feature import SelectColumnsTransform
from backend.blocks.schema import TableSchema
from backend.blocks.tables import schema_of
from backend.blocks.values import (
    Table,
    apply_lineage,
    lineage_from_json,
    lineage_to_json,
)
from backend.engine.graph import Graph, validate_graph
from tests.unit.test_block_conformance import FakeContext, FakeEnv, iris_table

IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
NUMBERS = ["age", "income", "visits"]
SCALERS = {
    "standard": preprocessing.StandardScaler,
    "minmax": preprocessing.MinMaxScaler,
    "robust": preprocessing.RobustScaler,
}
KINDS = {
    "feature.select_columns": "select_columns",
    "feature.impute": "impute",
    "feature.scale": "scale",
    "feature.one_hot": "one_hot",
    "feature.pca": "pca",
}
#: One working iris config per block that fits on train and applies to test.
IRIS_CASES = [
    ("feature.select_columns", {"columns": ["petal length (cm)"]}),
    ("feature.impute", {}),
    ("feature.scale", {}),
    ("feature.one_hot", {"columns": ["petal width (cm)"]}),
    ("feature.pca", {"n_components": 2}),
]


def table(frame: pd.DataFrame, **extra: Any) -> Table:
    return Table(frame, target="target", raw_schema=schema_of(frame), **extra)


def mixed_frame(rows: int = 80, seed: int = 0) -> pd.DataFrame:
    """Numbers (with gaps), text (with gaps), a category, a boolean and a binary label."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 12, rows).round(1),
            "income": rng.lognormal(10, 1, rows),
            "visits": rng.integers(0, 9, rows),
            "city": rng.choice(["paris", "oslo", "lima", "kyiv"], rows),
            "plan": pd.Categorical(rng.choice(["free", "pro"], rows)),
            "member": rng.random(rows) < 0.5,
            "target": rng.integers(0, 2, rows),
        }
    )
    frame.loc[rng.random(rows) < 0.15, "age"] = np.nan
    frame.loc[rng.random(rows) < 0.15, "city"] = None
    return frame


def split(frame: pd.DataFrame, seed: int = 0) -> tuple[Table, Table]:
    train, test = train_test_split(frame, test_size=0.3, random_state=seed)
    return table(train), table(test)


def run(key: str, config: dict[str, Any], **inputs: Table) -> tuple[dict[str, Table], FakeContext]:
    block = get_block(key)
    ctx = FakeContext(block.parse_config(config))
    return block().run(ctx, **inputs), ctx


def infer(
    key: str, config: dict[str, Any], **schemas: TableSchema | None
) -> tuple[dict[str, TableSchema | None], list[Any]]:
    block = get_block(key)
    return block().infer_schemas(block.parse_config(config), schemas, FakeEnv())


def both(outputs: dict[str, Table], train: Table, test: Table) -> list[tuple[Table, Table]]:
    """(output, input) pairs for the train and test ports."""
    return [(outputs["train"], train), (outputs["test"], test)]


@pytest.mark.parametrize(
    ("test_size", "stratify", "seed", "shuffle"),
    [(0.25, True, 0, True), (0.4, True, 7, True), (0.2, False, 3, True), (0.3, True, 0, False)],
)
def test_split_equals_sklearn(test_size: float, stratify: bool, seed: int, shuffle: bool) -> None:
    iris = iris_table()
    earlier = SelectColumnsTransform("drop", ["unused"])
    source = table(iris.frame, lineage=(earlier,))
    config = {"test_size": test_size, "stratify": stratify, "seed": seed, "shuffle": shuffle}

    outputs, _ = run("feature.split", config, table=source)

    strata = iris.frame["target"] if stratify and shuffle else None
    train, test = train_test_split(
        iris.frame, test_size=test_size, random_state=seed, shuffle=shuffle, stratify=strata
    )
    pd.testing.assert_frame_equal(outputs["train"].frame, train)
    pd.testing.assert_frame_equal(outputs["test"].frame, test)
    for value in outputs.values():
        assert (value.target, value.raw_schema, value.lineage) == (
            "target",
            iris.raw_schema,
            (earlier,),
        )


def test_split_does_not_stratify_a_continuous_label() -> None:
    frame = pd.DataFrame({"x": np.arange(100.0), "target": np.linspace(0.0, 1.0, 100)})

    outputs, ctx = run("feature.split", {"seed": 3}, table=table(frame))

    train, _ = train_test_split(frame, test_size=0.25, random_state=3)
    pd.testing.assert_frame_equal(outputs["train"].frame, train)
    assert any("continuous" in message for _, message in ctx.logs)


def test_split_refuses_to_stratify_a_class_with_one_row() -> None:
    frame = iris_table().frame
    frame = pd.concat([frame, frame.head(1).assign(target=3)], ignore_index=True)

    with pytest.raises(BlockRunError, match="class 3 has only 1 row; turn stratify off") as caught:
        run("feature.split", {}, table=table(frame))

    assert caught.value.place == {"field": "stratify", "column": "target"}
    outputs, _ = run("feature.split", {"stratify": False}, table=table(frame))
    assert len(outputs["train"].frame) + len(outputs["test"].frame) == len(frame)


def test_split_refuses_a_table_too_small_to_split() -> None:
    with pytest.raises(BlockRunError, match="cannot split 1 row: ") as caught:
        run("feature.split", {"stratify": False}, table=table(iris_table().frame.head(1)))
    assert caught.value.place == {"field": "test_size"}


@pytest.mark.parametrize("method", SCALERS)
def test_scale_equals_sklearn_fitted_on_train(method: str) -> None:
    train, test = split(mixed_frame())

    outputs, _ = run("feature.scale", {"method": method}, train=train, test=test)

    scaler = SCALERS[method]().fit(train.frame[NUMBERS])
    for output, source in both(outputs, train, test):
        expected = scaler.transform(source.frame[NUMBERS])
        np.testing.assert_allclose(output.frame[NUMBERS], expected, rtol=1e-12, atol=1e-12)
        untouched = ["city", "plan", "member", "target"]
        pd.testing.assert_frame_equal(output.frame[untouched], source.frame[untouched])


@pytest.mark.parametrize("method", SCALERS)
def test_scale_leaves_a_constant_column_centred_not_divided_by_zero(method: str) -> None:
    frame = pd.DataFrame({"flat": [3.0] * 8, "x": np.arange(8.0), "target": [0, 1] * 4})

    outputs, _ = run("feature.scale", {"method": method}, train=table(frame))

    assert outputs["train"].frame["flat"].tolist() == [0.0] * 8
    expected = SCALERS[method]().fit_transform(frame[["flat", "x"]])
    np.testing.assert_allclose(outputs["train"].frame[["flat", "x"]], expected, atol=1e-12)


@pytest.mark.parametrize(
    ("numeric", "text", "fill_value"),
    [
        ("mean", "most_frequent", None),
        ("median", "constant", "unknown"),
        ("constant", "most_frequent", -1),
    ],
)
def test_impute_equals_sklearn_fitted_on_train(numeric: str, text: str, fill_value: Any) -> None:
    train, test = split(mixed_frame())
    config = {"numeric_strategy": numeric, "text_strategy": text, "fill_value": fill_value}

    outputs, ctx = run("feature.impute", config, train=train, test=test)

    numbers = SimpleImputer(strategy=numeric, fill_value=fill_value).fit(train.frame[NUMBERS])
    texts = SimpleImputer(strategy=text, fill_value=fill_value)
    texts.fit(train.frame[["city"]].astype(object))
    for output, source in both(outputs, train, test):
        np.testing.assert_allclose(output.frame[NUMBERS], numbers.transform(source.frame[NUMBERS]))
        expected = texts.transform(source.frame[["city"]].astype(object))[:, 0]
        assert output.frame["city"].tolist() == expected.tolist()
        assert schema_of(output.frame) == schema_of(source.frame)
    gaps = [int(t.frame["age"].isna().sum()) for t in (train, test)]
    assert f"'age': filled {gaps[0]} in train, {gaps[1]} in test" in ctx.logs[0][1]


def test_one_hot_equals_sklearn_in_place_of_the_column() -> None:
    train, test = split(mixed_frame())
    columns = ["plan", "member"]

    outputs, _ = run("feature.one_hot", {"columns": columns}, train=train, test=test)

    encoder = preprocessing.OneHotEncoder(sparse_output=False, handle_unknown="ignore")
    encoder.fit(train.frame[columns])
    names = ["plan=free", "plan=pro", "member=False", "member=True"]
    for output, source in both(outputs, train, test):
        assert list(output.frame.columns) == [*NUMBERS, "city", *names, "target"]
        assert (output.frame[names].dtypes == "float64").all()
        np.testing.assert_array_equal(output.frame[names], encoder.transform(source.frame[columns]))


def test_one_hot_encodes_a_missing_value_as_all_zeros() -> None:
    train, test = split(mixed_frame())

    outputs, _ = run("feature.one_hot", {}, train=train, test=test)

    for output, source in both(outputs, train, test):
        cities = [c for c in output.frame.columns if c.startswith("city=")]
        assert cities == ["city=kyiv", "city=lima", "city=oslo", "city=paris"]
        missing = source.frame["city"].isna()
        assert missing.any()
        assert output.frame.loc[missing, cities].eq(0.0).all().all()
        assert output.frame.loc[~missing, cities].sum(axis=1).eq(1.0).all()


def colours(*values: str) -> Table:
    return table(pd.DataFrame({"colour": list(values), "target": [0, 1] * (len(values) // 2)}))


def test_one_hot_ignores_an_unseen_category() -> None:
    outputs, _ = run(
        "feature.one_hot", {}, train=colours("red", "blue"), test=colours("green", "red")
    )
    expected = pd.DataFrame({"colour=blue": [0.0, 0.0], "colour=red": [0.0, 1.0]})
    pd.testing.assert_frame_equal(outputs["test"].frame.drop(columns="target"), expected)


def test_one_hot_can_refuse_an_unseen_category() -> None:
    with pytest.raises(BlockRunError, match="'green', not seen in train") as caught:
        run(
            "feature.one_hot",
            {"handle_unknown": "error"},
            train=colours("red", "blue"),
            test=colours("green", "red"),
        )
    assert caught.value.place == {"field": "handle_unknown", "column": "colour", "port": "test"}


@pytest.mark.parametrize("whiten", [False, True])
def test_pca_equals_sklearn_fitted_on_train(whiten: bool) -> None:
    train, test = split(iris_table().frame)
    config = {"n_components": 3, "whiten": whiten, "seed": 5}

    outputs, ctx = run("feature.pca", config, train=train, test=test)

    pca = PCA(n_components=3, whiten=whiten, random_state=5).fit(train.frame[IRIS_FEATURES])
    pcs = ["pc1", "pc2", "pc3"]
    for output, source in both(outputs, train, test):
        assert list(output.frame.columns) == [*pcs, "target"]
        expected = pca.transform(source.frame[IRIS_FEATURES])
        np.testing.assert_allclose(output.frame[pcs], expected, rtol=1e-10, atol=1e-10)
    assert [(key, step) for key, _, step in ctx.metrics] == [
        ("explained_variance_ratio", i) for i in (1, 2, 3)
    ]
    np.testing.assert_allclose([v for _, v, _ in ctx.metrics], pca.explained_variance_ratio_)


@pytest.mark.parametrize(
    ("config", "rows", "limit"),
    [
        ({"columns": IRIS_FEATURES[:2], "n_components": 3}, 150, "only 2 numeric columns"),
        ({"n_components": 4}, 3, "only 3 rows"),
    ],
)
def test_pca_refuses_more_components_than_columns_or_rows(
    config: dict[str, Any], rows: int, limit: str
) -> None:
    with pytest.raises(BlockRunError, match=limit) as caught:
        run("feature.pca", config, train=table(iris_table().frame.head(rows)))
    assert caught.value.place == {"field": "n_components"}


@pytest.mark.parametrize(
    ("config", "available"),
    [({"columns": IRIS_FEATURES[:2], "n_components": 3}, 2), ({"n_components": 6}, 5)],
)
def test_pca_bounds_are_checked_at_validation(config: dict[str, Any], available: int) -> None:
    outputs, issues = infer("feature.pca", config, train=schema_of(iris_table().frame))

    assert outputs == {"train": None, "test": None}
    assert [(i.field, i.port) for i in issues] == [("n_components", "train")]
    assert f"lower it to {available} or less" in issues[0].message


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
