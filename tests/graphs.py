"""Graph JSON builders for the tests and the benchmarks: a graph is written inline, as
``{"nodes": [node(...)], "edges": [edge(...)]}``, in the shape the pipeline API takes.

The benchmarks import it too (``python -m bench.<name>`` from the repository root), so it
imports nothing of the test suite.
"""

from __future__ import annotations

from typing import Any


def node(node_id: str, block: str, **config: Any) -> dict[str, Any]:
    """A node running `block` with `config`."""
    return {"id": node_id, "block": block, "config": config}


def edge(
    source: str, target: str, source_port: str = "table", target_port: str = "table"
) -> dict[str, str]:
    """An edge from `source`'s `source_port` to `target`'s `target_port` (both 'table' unless
    named)."""
    return {
        "source": source,
        "source_port": source_port,
        "target": target,
        "target_port": target_port,
    }


def iris_publish_graph(n_estimators: int) -> dict[str, Any]:
    """The Iris example up to publishing: sample -> split -> scale -> random forest of
    `n_estimators` trees -> evaluate -> publish as model 'iris' (no threshold)."""
    return {
        "nodes": [
            node("iris", "ingest.sample", name="iris"),
            node("split", "feature.split", test_size=0.25, seed=0),
            node("scale", "feature.scale", method="standard"),
            node(
                "train",
                "train.sklearn",
                algorithm="random_forest",
                n_estimators=n_estimators,
                seed=0,
            ),
            node("evaluate", "evaluate.classification"),
            node("publish", "publish.model", name="iris"),
        ],
        "edges": [
            edge("iris", "split"),
            edge("split", "scale", source_port="train", target_port="train"),
            edge("split", "scale", source_port="test", target_port="test"),
            edge("scale", "train", source_port="train", target_port="train"),
            edge("train", "evaluate", source_port="model", target_port="model"),
            edge("scale", "evaluate", source_port="test", target_port="test"),
            edge("train", "publish", source_port="model", target_port="model"),
            edge("evaluate", "publish", source_port="metrics", target_port="metrics"),
        ],
    }
