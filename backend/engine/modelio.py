"""Trained models as bytes that cannot run code when they are read back.

A model file is a zip of exactly two members: ``manifest.json`` (format version, flavor, task,
features, target, classes, signature, spec, info and lineage, all JSON) and the estimator:

- flavor ``sklearn``: ``estimator.skops``, written by skops and read only after every type it
  names has been checked against an allowlist of scikit-learn, NumPy and SciPy modules;
- flavor ``torch_mlp``: ``state_dict.pt``, a plain dict of tensors read with
  ``weights_only=True``; the network is rebuilt from the manifest's spec.

Nothing is unpickled. Sizes are checked before anything is decompressed, and anything unexpected
(another member, an unknown format version, a type off the allowlist) is refused with a
ValueError that says what was wrong.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from backend.blocks.values import (
    Task,
    TrainedModel,
    lineage_from_json,
    lineage_to_json,
)

FORMAT = "tributary.model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: The estimator's member name, by flavor.
ESTIMATOR_MEMBERS = {"sklearn": "estimator.skops", "torch_mlp": "state_dict.pt"}
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
#: Default cap on the estimator, unpacked (and on what it holds, for the nested archives).
MAX_ESTIMATOR_BYTES = 1024 * 1024 * 1024
#: Top-level packages whose types a skops file may name beyond skops' own trusted set.
TRUSTED_PACKAGES = ("sklearn", "numpy", "scipy")
#: Fixed timestamp so that the same model gives the same bytes (and artifact digest).
_EPOCH = (1980, 1, 1, 0, 0, 0)


class Manifest(BaseModel):
    """The JSON member of a model file."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["tributary.model"]
    format_version: int
    flavor: Literal["sklearn", "torch_mlp"]
    task: Task
    features: list[str]
    target: str
    classes: list[bool | int | float | str] | None
    signature: list[dict[str, str]]
    spec: dict[str, Any]
    info: dict[str, Any]
    lineage: list[dict[str, Any]]


def dump_model(model: TrainedModel) -> bytes:
    """The model as a zip archive (see the module docstring)."""
    if model.flavor not in ESTIMATOR_MEMBERS:
        raise ValueError(f"no storage format for model flavor {model.flavor!r}")
    payload = _dump_sklearn(model) if model.flavor == "sklearn" else _dump_torch(model)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "flavor": model.flavor,
        "task": model.task,
        "features": list(model.features),
        "target": model.target,
        "classes": model.classes,
        "signature": model.signature,
        "spec": model.spec,
        "info": model.info,
        "lineage": lineage_to_json(model.lineage),
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, allow_nan=False).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in ((MANIFEST, manifest_bytes), (ESTIMATOR_MEMBERS[model.flavor], payload)):
            archive.writestr(zipfile.ZipInfo(name, _EPOCH), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def load_model(data: bytes, *, max_estimator_bytes: int = MAX_ESTIMATOR_BYTES) -> TrainedModel:
    """Read a model written by `dump_model`; ValueError for anything else."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError("not a model file: not a zip archive") from exc
    with archive:
        members = _members(archive)
        manifest = _parse_manifest(_read(archive, members, MANIFEST, MAX_MANIFEST_BYTES))
        expected = {MANIFEST, ESTIMATOR_MEMBERS[manifest.flavor]}
        if set(members) != expected:
            raise ValueError(
                f"a {manifest.flavor} model file holds exactly {sorted(expected)}; "
                f"this one holds {sorted(members)}"
            )
        payload = _read(archive, members, ESTIMATOR_MEMBERS[manifest.flavor], max_estimator_bytes)
    _check_nested_archive(payload, max_estimator_bytes)
    if manifest.flavor == "sklearn":
        estimator = _load_sklearn(payload)
    else:
        estimator = _load_torch(payload, manifest.spec)
    try:
        lineage = lineage_from_json(manifest.lineage)
    except (TypeError, KeyError) as exc:
        raise ValueError(f"the model's lineage cannot be rebuilt: {exc}") from exc
    return TrainedModel(
        flavor=manifest.flavor,
        task=manifest.task,
        estimator=estimator,
        features=manifest.features,
        target=manifest.target,
        classes=manifest.classes,
        lineage=lineage,
        signature=manifest.signature,
        spec=manifest.spec,
        info=manifest.info,
    )


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise ValueError("the model file repeats a member name")
    if any(info.flag_bits & 0x1 for info in infos):
        raise ValueError("the model file has encrypted members")
    return {info.filename: info for info in infos}


def _read(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str, cap: int
) -> bytes:
    info = members.get(name)
    if info is None:
        raise ValueError(f"the model file has no {name}")
    if info.file_size > cap:
        raise ValueError(f"{name} unpacks to {info.file_size} bytes, over the {cap}-byte limit")
    # zipfile stops at the declared size and checks the CRC, so the header cannot understate it.
    return archive.read(info)


def _check_nested_archive(payload: bytes, cap: int) -> None:
    """skops and torch files are zips themselves: bound what they unpack to as well."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as inner:
            total = sum(info.file_size for info in inner.infolist())
    except zipfile.BadZipFile as exc:
        raise ValueError("the estimator member is not a skops or torch file") from exc
    if total > cap:
        raise ValueError(f"the estimator unpacks to {total} bytes, over the {cap}-byte limit")


def _parse_manifest(raw: bytes) -> Manifest:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("manifest.json is not valid JSON") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"manifest.json is not a {FORMAT} manifest")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"model format version {version!r} is not one this Tributary reads "
            f"(it reads version {FORMAT_VERSION})"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"manifest.json is malformed: {exc.errors()[0]['msg']}") from exc


def is_trusted_type(name: str) -> bool:
    """Whether a skops type name lives in one of the allowlisted packages."""
    return name.split(".", 1)[0] in TRUSTED_PACKAGES and "." in name


def _dump_sklearn(model: TrainedModel) -> bytes:
    import skops.io  # heavy: only when a scikit-learn model is stored

    return bytes(skops.io.dumps(model.estimator))


def _load_sklearn(payload: bytes) -> Any:
    import skops.io  # heavy: only when a scikit-learn model is read

    try:
        untrusted = skops.io.get_untrusted_types(data=payload)
    except Exception as exc:
        raise ValueError(f"estimator.skops is not a readable skops file: {exc}") from exc
    refused = sorted(name for name in untrusted if not is_trusted_type(name))
    if refused:
        raise ValueError(
            "refusing to load estimator.skops: it names types outside scikit-learn, NumPy "
            f"and SciPy: {', '.join(refused)}"
        )
    estimator = skops.io.loads(payload, trusted=untrusted)
    if not callable(getattr(estimator, "predict", None)):
        raise ValueError("estimator.skops does not hold an estimator with predict()")
    return estimator


def _dump_torch(model: TrainedModel) -> bytes:
    import torch  # heavy: only when a torch model is stored

    buffer = io.BytesIO()
    torch.save(model.estimator.state_dict(), buffer)
    return buffer.getvalue()


def _load_torch(payload: bytes, spec: dict[str, Any]) -> Any:
    import torch  # heavy: only when a torch model is read

    from backend.blocks.train import MLPEstimator

    try:
        state = torch.load(io.BytesIO(payload), weights_only=True, map_location="cpu")
    except Exception as exc:
        raise ValueError(f"state_dict.pt is not a plain state dict of tensors: {exc}") from exc
    plain = isinstance(state, dict) and all(
        isinstance(key, str) and type(value) is torch.Tensor for key, value in state.items()
    )
    if not plain:
        raise ValueError("state_dict.pt is not a plain state dict of tensors")
    return MLPEstimator.from_state_dict(spec, state)
