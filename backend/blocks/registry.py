"""The block catalogue: one registry that the API, validation and the executor share."""

from __future__ import annotations

from typing import Any, TypeVar

from backend.blocks.base import FAMILIES, Block
from backend.errors import NotFoundError

BlockType = TypeVar("BlockType", bound=type[Block])

_REGISTRY: dict[str, type[Block]] = {}


def register_block(cls: BlockType) -> BlockType:
    """Class decorator: add a block to the catalogue under its ``key``."""
    key = getattr(cls, "key", None)
    if not key or "." not in key:
        raise ValueError(f"{cls.__name__}.key must look like 'family.name', got {key!r}")
    if key.split(".", 1)[0] != cls.family or cls.family not in FAMILIES:
        raise ValueError(f"{key}: family {cls.family!r} does not match its key")
    existing = _REGISTRY.get(key)
    if existing is not None and existing is not cls:
        raise ValueError(f"block key {key!r} is already registered by {existing.__name__}")
    _REGISTRY[key] = cls
    return cls


def unregister_block(key: str) -> None:
    """Remove a block (used by tests that register blocks of their own)."""
    _REGISTRY.pop(key, None)


def get_block(key: str) -> type[Block]:
    """The block class registered under `key`."""
    try:
        return _REGISTRY[key]
    except KeyError:
        raise NotFoundError(f"unknown block '{key}'", field="block") from None


def find_block(key: str) -> type[Block] | None:
    """The block class registered under `key`, or None."""
    return _REGISTRY.get(key)


def all_blocks() -> list[type[Block]]:
    """Every registered block, ordered by family (pipeline order) then key."""
    return sorted(_REGISTRY.values(), key=lambda b: (FAMILIES.index(b.family), b.key))


def describe_block(block: type[Block]) -> dict[str, Any]:
    """The catalogue entry for a block: what the editor's palette and forms need."""

    def ports(spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"name": name, "type": p.type, "required": p.required, "description": p.description}
            for name, p in spec.items()
        ]

    return {
        "key": block.key,
        "version": block.version,
        "title": block.title,
        "description": block.description(),
        "family": block.family,
        "queue": block.queue,
        "inputs": ports(block.inputs),
        "outputs": ports(block.outputs),
        "config_schema": block.Config.model_json_schema(),
    }
