"""Turning block values into stored artifacts and back.

Tables are Parquet, with their target, raw schema, lineage and column statistics in the
artifact's metadata; models go through modelio (formats that cannot run code when loaded);
metrics and figures are JSON.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from backend.blocks.schema import TableSchema
from backend.blocks.tables import column_stats, schema_of
from backend.blocks.values import Table, TrainedModel, lineage_from_json, lineage_to_json
from backend.engine.artifacts import ArtifactStore


@dataclass(frozen=True)
class StoredValue:
    """What the store made of a value: its digest, size and metadata for the Artifact row."""

    kind: str
    digest: str
    size: int
    metadata: dict[str, Any]


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return _json_safe(value.item())
    return value


def _schema_json(schema: TableSchema | None) -> list[dict[str, str]] | None:
    if schema is None:
        return None
    return [{"name": c.name, "dtype": c.dtype} for c in schema.columns]


def store_value(store: ArtifactStore, port_type: str, value: Any) -> StoredValue:
    """Write one output value; the port type decides the format."""
    if port_type == "table":
        if not isinstance(value, Table):
            raise TypeError(f"a table port must return a Table, got {type(value).__name__}")
        buffer = io.BytesIO()
        value.frame.to_parquet(buffer, index=False)
        digest, size = store.put_bytes(buffer.getvalue())
        metadata = {
            "schema": _schema_json(schema_of(value.frame)),
            "rows": len(value.frame),
            "stats": column_stats(value.frame),
            "target": value.target,
            "raw_schema": _schema_json(value.raw_schema),
            "lineage": lineage_to_json(value.lineage),
        }
        return StoredValue("table", digest, size, _json_safe(metadata))
    if port_type == "model":
        from backend.engine.modelio import dump_model  # torch/skops only when a model is stored

        if not isinstance(value, TrainedModel):
            raise TypeError(f"a model port must return a TrainedModel, got {type(value).__name__}")
        digest, size = store.put_bytes(dump_model(value))
        metadata = {
            "flavor": value.flavor,
            "task": value.task,
            "features": value.features,
            "target": value.target,
            "classes": value.classes,
            "signature": value.signature,
            "info": value.info,
            "lineage": lineage_to_json(value.lineage),
        }
        return StoredValue("model", digest, size, _json_safe(metadata))
    if port_type in ("metrics", "figure"):
        payload = json.dumps(_json_safe(value), sort_keys=True, allow_nan=False).encode()
        digest, size = store.put_bytes(payload)
        if port_type == "metrics":
            metadata = {"values": _json_safe(value)}
        else:
            metadata = {"type": value.get("type"), "title": value.get("title")}
        return StoredValue(port_type, digest, size, metadata)
    raise ValueError(f"no storage format for port type {port_type!r}")


def load_value(store: ArtifactStore, kind: str, digest: str, metadata: dict[str, Any]) -> Any:
    """Read a stored value back as the block value it was."""
    if kind == "table":
        with store.open(digest) as handle:
            frame = pd.read_parquet(handle)
        raw = metadata.get("raw_schema")
        return Table(
            frame,
            target=metadata.get("target"),
            raw_schema=TableSchema.from_pairs(raw) if raw is not None else None,
            lineage=lineage_from_json(metadata.get("lineage") or []),
        )
    if kind == "model":
        from backend.engine.modelio import load_model  # torch/skops only when a model is read

        with store.open(digest) as handle:
            return load_model(handle.read())
    if kind in ("metrics", "figure"):
        with store.open(digest) as handle:
            return json.loads(handle.read())
    raise ValueError(f"cannot load an artifact of kind {kind!r}")
