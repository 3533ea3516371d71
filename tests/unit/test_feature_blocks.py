"""Feature blocks: equal to scikit-learn on the same data and seed, fitted on train only."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import preprocessing
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split

from backend.blocks.base import BlockRunError
from backend.blocks.checks import iris_table
from backend.blocks.feature import SelectColumnsTransform
from backend.blocks.tables import schema_of
from backend.blocks.values import (
    Table,
)
from tests.unit.feature_cases import (
    IRIS_FEATURES,
    NUMBERS,
    SCALERS,
    both,
    infer,
    mixed_frame,
    run,
    split,
    table,
)


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
