"""The serving package on its own: row checks, the model cache, drift statistics."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

from backend.blocks.tables import dtype_name
from backend.blocks.values import TrainedModel
from backend.engine.modelio import dump_model
from backend.errors import TooLargeError, UserError
from backend.pipelines.registry.serving.cache import ModelCache, ServedModel
from backend.pipelines.registry.serving.drift import (
    DRIFT_THRESHOLD,
    drift_report,
    percentile,
    training_stats,
)
from backend.pipelines.registry.serving.rows import (
    MAX_REPORTED,
    SAMPLE_ROWS,
    RowError,
    check_frame,
    column_specs,
    parse_rows,
)
from tests.model_factories import DEMO_ROWS, DEMO_SIGNATURE, demo_model

SPECS = column_specs(
    [*DEMO_SIGNATURE, {"name": "when", "dtype": "datetime64[ns]"}, {"name": "blob", "dtype": "?"}]
)
ROW = {"x": 1.5, "n": 2, "color": "red", "flag": False, "when": "2024-05-01", "blob": [1]}


def test_rows_become_a_frame_of_the_signature_types() -> None:
    batch = parse_rows({"instances": [ROW, {**ROW, "x": 3, "n": 4.0}]}, SPECS)
    frame = batch.frame
    assert list(frame.columns) == ["x", "n", "color", "flag", "when", "blob"]
    assert [dtype_name(t) for t in frame.dtypes][:5] == [
        "float64",
        "int64",
        "string",
        "bool",
        "datetime64[ns]",
    ]
    assert frame["x"].tolist() == [1.5, 3.0] and frame["n"].tolist() == [2, 4]
    assert batch.rows == [ROW, {**ROW, "x": 3, "n": 4.0}]


def test_nulls_become_missing_values() -> None:
    frame = parse_rows({"instances": [{**ROW, "n": None, "flag": None}]}, SPECS).frame
    assert np.isnan(frame["n"][0]) and frame["flag"][0] is None


def test_columns_and_data_give_the_same_frame_in_signature_order() -> None:
    columns = ["blob", "when", "flag", "color", "n", "x"]
    data = [[ROW[c] for c in columns]]
    by_table = parse_rows({"columns": columns, "data": data}, SPECS)
    by_instances = parse_rows({"instances": [ROW]}, SPECS)
    pd.testing.assert_frame_equal(by_table.frame, by_instances.frame)
    assert by_table.rows == [{c: ROW[c] for c in columns}]


@pytest.mark.parametrize(
    ("value", "column", "words"),
    [
        ("1.5", "x", "expects a number (float64), got the text '1.5'"),
        (True, "x", "expects a number (float64), got true"),
        (1.5, "n", "expects a whole number (int64), got the number 1.5"),
        (1, "flag", "expects true or false (bool), got the number 1"),
        (7, "color", "expects text (string), got the number 7"),
        ("not a date", "when", "expects a date as ISO 8601 text"),
        ({"a": 1}, "x", "got an object"),
    ],
)
def test_a_wrong_type_names_row_column_and_what_was_expected(
    value: Any, column: str, words: str
) -> None:
    with pytest.raises(RowError) as caught:
        parse_rows({"instances": [ROW, {**ROW, column: value}]}, SPECS)
    assert caught.value.place == {"field": "instances", "row": 1, "column": column}
    assert caught.value.message.startswith(f"row 1: column '{column}' ")
    assert words in caught.value.message


def test_problems_are_listed_up_to_a_limit() -> None:
    rows = [{**ROW, "x": "bad"}] * (MAX_REPORTED + 5)
    with pytest.raises(RowError) as caught:
        parse_rows({"instances": rows}, SPECS)
    assert len(caught.value.errors) == MAX_REPORTED
    assert [e["row"] for e in caught.value.errors[:2]] == [0, 1]


def test_a_sample_of_the_rows_is_kept() -> None:
    rows = [{**ROW, "n": i} for i in range(3 * SAMPLE_ROWS)]
    batch = parse_rows({"instances": rows}, SPECS)
    kept = [row["n"] for row in batch.rows]
    assert len(batch.frame) == 3 * SAMPLE_ROWS
    assert len(kept) == SAMPLE_ROWS and kept == sorted(set(kept))
    assert kept != list(range(SAMPLE_ROWS))  # not just the first rows (1 in 10^40 chance)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ([ROW], UserError),
        ({"instances": "x"}, UserError),
        ({"instances": [ROW] * 10_001}, TooLargeError),
        ({"columns": "x", "data": []}, UserError),
        ({"columns": ["x"], "data": "nope"}, RowError),
    ],
    ids=["not an object", "instances not a list", "too many rows", "columns", "data"],
)
def test_malformed_bodies_are_refused(body: Any, error: type[UserError]) -> None:
    with pytest.raises(error):
        parse_rows(body, SPECS)


# --- check_frame (batch scoring) ------------------------------------------------------------


def test_a_stored_table_is_checked_and_converted_vectorised() -> None:
    table = DEMO_ROWS.assign(n=DEMO_ROWS["n"].astype("float64"), extra=1)
    frame = check_frame(table, column_specs(DEMO_SIGNATURE))
    assert list(frame.columns) == ["x", "n", "color", "flag"]
    assert frame["n"].dtype == "int64"


@pytest.mark.parametrize(
    ("column", "values", "row"),
    [
        ("x", [0.1, 0.2, "high", 0.4, 0.5, 0.6, 0.7, 0.8], 2),
        ("n", [1, 2, 3, 4.5, 5, 6, 7, 8], 3),
        ("color", ["red", "blue", "red", "blue", 5, "blue", "red", "blue"], 4),
        ("flag", [True, False, True, "no", True, False, True, False], 3),
    ],
)
def test_a_stored_table_names_its_first_bad_row(column: str, values: list, row: int) -> None:
    table = DEMO_ROWS.copy()
    table[column] = pd.Series(values, dtype=object)
    with pytest.raises(RowError) as caught:
        check_frame(table, column_specs(DEMO_SIGNATURE))
    assert (caught.value.place["row"], caught.value.place["column"]) == (row, column)


def test_a_stored_table_missing_a_column_is_refused() -> None:
    with pytest.raises(UserError) as caught:
        check_frame(DEMO_ROWS.drop(columns="color"), column_specs(DEMO_SIGNATURE))
    assert caught.value.place["column"] == "color"


# --- the model cache ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_file() -> tuple[str, bytes]:
    data = dump_model(demo_model())
    return hashlib.sha256(data).hexdigest(), data


def test_cache_loads_once_and_drops_the_least_recently_used() -> None:
    files = {}
    for depth in (1, 2, 3):
        data = dump_model(demo_model(estimator=DecisionTreeClassifier(max_depth=depth)))
        files[hashlib.sha256(data).hexdigest()] = data
    a, b, c = files
    cache = ModelCache(maxsize=2)
    reads: list[str] = []

    def get(digest: str) -> ServedModel:
        return cache.get(digest, lambda: reads.append(digest) or files[digest])

    first = get(a)
    assert get(a) is first
    get(b)
    get(a)  # a is now the most recently used, so b goes when c comes
    get(c)
    assert a in cache and c in cache and b not in cache and len(cache) == 2
    assert reads == [a, b, c] and cache.loads == 3


def test_concurrent_first_requests_load_a_model_once(model_file: tuple[str, bytes]) -> None:
    digest, data = model_file
    cache = ModelCache()
    got: list[ServedModel] = []
    threads = [
        threading.Thread(target=lambda: got.append(cache.get(digest, lambda: data)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.loads == 1 and len({id(m) for m in got}) == 1


def test_cache_refuses_bytes_that_do_not_match_the_digest(model_file: tuple[str, bytes]) -> None:
    _, data = model_file
    with pytest.raises(ValueError, match="does not match"):
        ModelCache().get("0" * 64, lambda: data)


def test_served_model_predicts_like_the_model(model_file: tuple[str, bytes]) -> None:
    served = ServedModel.from_bytes(model_file[1])
    rows = DEMO_ROWS.drop(columns="label")
    out = served.predict(served.parse({"instances": rows.to_dict("records")}).frame)
    assert out["predictions"] == demo_model().predict(rows).tolist()


class _NaNForMissing:
    """Answers NaN for a row with a missing value, as a torch network does, instead of raising."""

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        return np.where(features.isna().any(axis=1), np.nan, features.sum(axis=1))


def _nan_model() -> ServedModel:
    signature = [{"name": "a", "dtype": "float64"}, {"name": "b", "dtype": "float64"}]
    model = TrainedModel(
        flavor="sklearn",
        task="regression",
        estimator=_NaNForMissing(),
        features=["a", "b"],
        target="y",
        signature=signature,
    )
    return ServedModel(model, column_specs(signature))


def test_a_nan_answer_for_a_missing_value_blames_the_cell() -> None:
    served = _nan_model()
    frame = served.parse({"instances": [{"a": 1, "b": 2}, {"a": 1, "b": None}]}).frame
    with pytest.raises(RowError, match="row 1: column 'b' is null") as caught:
        served.predict(frame)
    assert caught.value.place == {"field": "instances", "row": 1, "column": "b"}
    assert served.predict(frame.iloc[:1])["predictions"] == [3.0]


def test_a_non_finite_answer_without_missing_values_is_refused() -> None:
    served = _nan_model()
    frame = served.parse({"instances": [{"a": float("inf"), "b": 1}]}).frame
    with pytest.raises(UserError, match="row 0: the model's answer is not a finite number"):
        served.predict(frame)


# --- drift ----------------------------------------------------------------------------------


def training() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x": rng.normal(0, 1, 2000),
            "n": rng.integers(0, 10, 2000),
            "color": rng.choice(["red", "blue", "green"], 2000, p=[0.5, 0.3, 0.2]),
        }
    )


SIGNATURE = [
    {"name": "x", "dtype": "float64"},
    {"name": "n", "dtype": "int64"},
    {"name": "color", "dtype": "string"},
]


def test_inputs_like_the_training_rows_do_not_drift() -> None:
    stats = training_stats(training(), SIGNATURE)
    rows = training().sample(500, random_state=1).to_dict("records")
    report = drift_report(stats, rows, signature=SIGNATURE)
    assert report["drift"] is False and report["inputs"] == 500
    assert all(f["psi"] < 0.05 for f in report["features"])


@pytest.mark.parametrize(
    ("shift", "drifted"),
    [
        (lambda f: f.assign(x=f["x"] + 2), {"x"}),
        (lambda f: f.assign(n=f["n"] * 3), {"n"}),
        (lambda f: f.assign(color="green"), {"color"}),
    ],
    ids=["numeric", "integer", "category"],
)
def test_shifted_inputs_drift(shift: Any, drifted: set[str]) -> None:
    stats = training_stats(training(), SIGNATURE)
    report = drift_report(
        stats, shift(training().head(500)).to_dict("records"), signature=SIGNATURE
    )
    assert report["drift"] is True
    assert {f["name"] for f in report["features"] if f["drift"]} == drifted
    assert all(f["psi"] > DRIFT_THRESHOLD for f in report["features"] if f["name"] in drifted)


def test_unseen_categories_and_nulls_get_their_own_bins() -> None:
    stats = training_stats(training(), SIGNATURE)
    rows = [{"x": None, "n": 1, "color": "purple"}] * 10
    features = {f["name"]: f for f in drift_report(stats, rows, signature=SIGNATURE)["features"]}
    assert {b["bin"]: b["actual"] for b in features["color"]["bins"]}["(other)"] == 1.0
    assert {b["bin"]: b["actual"] for b in features["x"]["bins"]}["(null)"] == 1.0


def test_no_inputs_no_verdict() -> None:
    report = drift_report(training_stats(training(), SIGNATURE), [], signature=SIGNATURE)
    assert report["drift"] is False and all(f["psi"] is None for f in report["features"])


def jsonb_order(value: Any) -> Any:
    """`value` with every object's keys in jsonb's order: shorter first, then bytewise."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return {key: jsonb_order(value[key]) for key in keys}
    if isinstance(value, list):
        return [jsonb_order(item) for item in value]
    return value


def test_a_stored_baseline_keeps_the_signature_and_frequency_order() -> None:
    frame = training().assign(
        color=np.random.default_rng(1).choice(["teal", "ox", "magenta"], 2000, p=[0.2, 0.3, 0.5])
    )
    stats = training_stats(frame, SIGNATURE)
    stored = jsonb_order(stats)
    assert list(stored["features"]) != ["x", "n", "color"]
    rows = frame.head(50).to_dict("records")

    fresh = drift_report(stats, rows, signature=SIGNATURE)
    report = drift_report(stored, rows, signature=SIGNATURE)

    assert report == fresh
    assert [f["name"] for f in report["features"]] == ["x", "n", "color"]
    color = next(f for f in report["features"] if f["name"] == "color")
    assert [b["bin"] for b in color["bins"]] == ["magenta", "ox", "teal"]


def test_baseline_features_missing_from_the_signature_come_last() -> None:
    stats = training_stats(training(), SIGNATURE)
    report = drift_report(stats, [], signature=[{"name": "color", "dtype": "string"}])
    assert [f["name"] for f in report["features"]] == ["color", "n", "x"]


def test_percentile() -> None:
    assert percentile([], 50) is None
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0


def test_serving_imports_nothing_of_django() -> None:
    code = (
        "import sys, backend.pipelines.registry.serving.cache; "
        "import backend.pipelines.registry.serving.drift; "
        "sys.exit(int(any(m == 'django' or m.startswith('django.') for m in sys.modules)))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
