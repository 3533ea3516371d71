"""Model files: what goes in comes back out predicting the same; nothing else gets in."""

from __future__ import annotations

import collections
import io
import json
import os
import zipfile
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
import skops.io
import torch
from sklearn.preprocessing import FunctionTransformer

from backend.blocks import get_block
from backend.blocks.checks import FakeContext, iris_table
from backend.blocks.tables import schema_of
from backend.blocks.values import FittedTransform, Table, TrainedModel
from backend.engine import modelio
from backend.engine.modelio import dump_model, load_model


class AddToColumn(FittedTransform):
    """A stand-in fitted transform, so that lineage travels through a model file."""

    kind = "test.add_to_column"

    def __init__(self, column: str, amount: float) -> None:
        self.column, self.amount = column, amount

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        out[self.column] = out[self.column] + self.amount
        return out

    def params(self) -> dict[str, Any]:
        return {"column": self.column, "amount": self.amount}


class SneakyDict(collections.OrderedDict):
    """A type skops would have to import from this test module to rebuild."""


def trained(key: str, raw: dict[str, Any]) -> TrainedModel:
    block = get_block(key)
    step = AddToColumn("sepal length (cm)", 1.5)
    table = iris_table()
    table = Table(step.apply(table.frame), "target", table.raw_schema, (step,))
    return block().run(FakeContext(block.parse_config(raw)), train=table)["model"]


MODELS = {
    "random_forest": ("train.sklearn", {"algorithm": "random_forest", "n_estimators": 15}),
    "hist_gradient_boosting": ("train.sklearn", {"algorithm": "hist_gradient_boosting"}),
    "knn": ("train.sklearn", {"algorithm": "knn"}),
    "svm_regression": ("train.sklearn", {"algorithm": "svm", "task": "regression"}),
    "mlp": ("train.torch_mlp", {"hidden_layers": [8, 8], "epochs": 3}),
    "mlp_regression": ("train.torch_mlp", {"task": "regression", "epochs": 3}),
}


@pytest.fixture(scope="module")
def forest() -> TrainedModel:
    return trained(*MODELS["random_forest"])


@pytest.fixture(scope="module")
def mlp() -> TrainedModel:
    return trained(*MODELS["mlp"])


@pytest.mark.parametrize("name", MODELS)
def test_round_trip_predicts_the_same(name: str) -> None:
    model = trained(*MODELS[name])
    raw = iris_table().frame.drop(columns="target")

    loaded = load_model(dump_model(model))

    np.testing.assert_array_equal(loaded.predict(raw), model.predict(raw))
    before, after = model.predict_proba(raw), loaded.predict_proba(raw)
    assert (before is None and after is None) or np.array_equal(before, after)
    for attribute in ("flavor", "task", "features", "target", "classes", "signature", "info"):
        assert getattr(loaded, attribute) == getattr(model, attribute)
    assert loaded.spec == model.spec
    assert [step.to_json() for step in loaded.lineage] == [s.to_json() for s in model.lineage]


def test_torch_model_bytes_are_reproducible(mlp: TrainedModel) -> None:
    assert dump_model(mlp) == dump_model(load_model(dump_model(mlp)))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def archive_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_archive_holds_a_manifest_and_the_estimator(forest: TrainedModel) -> None:
    files = members(dump_model(forest))
    assert sorted(files) == ["estimator.skops", "manifest.json"]
    manifest = json.loads(files["manifest.json"])
    assert manifest["format_version"] == modelio.FORMAT_VERSION
    assert manifest["lineage"] == [
        {"kind": "test.add_to_column", "params": {"column": "sepal length (cm)", "amount": 1.5}}
    ]


def test_refuses_an_extra_member(forest: TrainedModel) -> None:
    files = members(dump_model(forest))
    with pytest.raises(ValueError, match="holds exactly"):
        load_model(archive_of({**files, "payload.pkl": b"\x80\x04K\x01."}))


def test_refuses_a_missing_estimator(forest: TrainedModel) -> None:
    files = members(dump_model(forest))
    with pytest.raises(ValueError, match=r"holds \[.manifest\.json.\]"):
        load_model(archive_of({"manifest.json": files["manifest.json"]}))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format_version": 2}, "format version 2"),
        ({"format": "other"}, "not a tributary.model manifest"),
        ({"flavor": "pickle"}, "malformed"),
        ({"features": "all"}, "malformed"),
    ],
)
def test_refuses_a_manifest_it_does_not_know(
    forest: TrainedModel, change: dict, message: str
) -> None:
    files = members(dump_model(forest))
    manifest = {**json.loads(files["manifest.json"]), **change}
    with pytest.raises(ValueError, match=message):
        load_model(archive_of({**files, "manifest.json": json.dumps(manifest).encode()}))


def test_refuses_what_is_not_a_zip() -> None:
    with pytest.raises(ValueError, match="not a zip"):
        load_model(b"\x80\x04\x95 definitely a pickle")


def test_refuses_an_oversized_member_before_reading_it(
    forest: TrainedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = dump_model(forest)
    with pytest.raises(ValueError, match="over the 1000-byte limit"):
        load_model(data, max_estimator_bytes=1000)

    monkeypatch.setattr(modelio, "MAX_MANIFEST_BYTES", 1 << 20)
    bomb = archive_of({"manifest.json": b" " * (2 << 20), "estimator.skops": b""})
    assert len(bomb) < 10_000
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a: pytest.fail("read a bomb"))
    with pytest.raises(ValueError, match=r"manifest\.json unpacks to"):
        load_model(bomb)


def with_estimator(model: TrainedModel, name: str, payload: bytes) -> bytes:
    return archive_of({"manifest.json": members(dump_model(model))["manifest.json"], name: payload})


@pytest.mark.parametrize(
    ("obj", "refused"),
    [
        ({"state": SneakyDict(a=1)}, "SneakyDict"),
        (FunctionTransformer(func=os.system), "system"),
        ({"hook": print}, "builtins.print"),
    ],
    ids=["custom-class", "os-function", "builtin-function"],
)
def test_refuses_skops_types_off_the_allowlist(
    forest: TrainedModel, obj: Any, refused: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = with_estimator(forest, "estimator.skops", skops.io.dumps(obj))
    monkeypatch.setattr(skops.io, "loads", lambda *a, **k: pytest.fail("loaded untrusted data"))
    with pytest.raises(ValueError, match=f"outside scikit-learn, NumPy and SciPy: .*{refused}"):
        load_model(data)


def test_refuses_a_skops_file_that_is_not_an_estimator(forest: TrainedModel) -> None:
    data = with_estimator(forest, "estimator.skops", skops.io.dumps({"weights": np.ones(3)}))
    with pytest.raises(ValueError, match="predict"):
        load_model(data)


def torch_bytes(obj: Any) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


class Payload:
    """Anything a pickle could smuggle in."""

    ran: ClassVar[bool] = False

    def __reduce__(self) -> tuple:
        return (Payload.mark, ())

    @staticmethod
    def mark() -> Payload:
        Payload.ran = True
        return Payload()


def test_refuses_a_torch_member_that_is_not_a_plain_state_dict(mlp: TrainedModel) -> None:
    state = mlp.estimator.state_dict()
    for obj in (
        {**state, "extra": {"nested": torch.zeros(1)}},
        list(state.values()),
        {**state, "0.weight": Payload()},
    ):
        with pytest.raises(ValueError, match="state dict"):
            load_model(with_estimator(mlp, "state_dict.pt", torch_bytes(obj)))
    assert Payload.ran is False


def test_refuses_a_state_dict_that_does_not_fit_the_spec(mlp: TrainedModel) -> None:
    state = dict(mlp.estimator.state_dict())
    state["0.weight"] = torch.zeros(3, 3)
    with pytest.raises(ValueError, match="does not match the network"):
        load_model(with_estimator(mlp, "state_dict.pt", torch_bytes(state)))


def test_refuses_a_spec_past_its_bounds(mlp: TrainedModel) -> None:
    files = members(dump_model(mlp))
    manifest = json.loads(files["manifest.json"])
    manifest["spec"]["hidden_layers"] = [10**9]
    with pytest.raises(ValueError, match="hidden_layers"):
        load_model(archive_of({**files, "manifest.json": json.dumps(manifest).encode()}))


def test_loaded_model_keeps_feature_order_and_signature() -> None:
    frame = iris_table().frame[["petal width (cm)", "target", "sepal length (cm)"]]
    block = get_block("train.sklearn")
    table = Table(frame, target="target", raw_schema=schema_of(frame))
    model = block().run(FakeContext(block.parse_config({})), train=table)["model"]

    loaded = load_model(dump_model(model))

    assert loaded.features == ["petal width (cm)", "sepal length (cm)"]
    assert [s["name"] for s in loaded.signature] == loaded.features
