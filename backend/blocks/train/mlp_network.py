"""The torch_mlp network: the spec that rebuilds it, and the estimator that serves it on CPU.

What a stored torch_mlp model is read back into (see backend.engine.modelio).
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from backend.blocks.values import Task


class MLPSpec(BaseModel):
    """What rebuilds a torch_mlp network and reads its outputs; bounded, as files can lie."""

    model_config = ConfigDict(extra="forbid")
    input_size: int = Field(ge=1, le=1_000_000)
    hidden_layers: list[Annotated[int, Field(ge=1, le=4096)]] = Field(max_length=16)
    output_size: int = Field(ge=1, le=100_000)
    task: Task
    classes: list[bool | int | float | str] | None = None
    #: Regression targets are learned standardised; predictions are mapped back with these.
    target_mean: float = 0.0
    target_scale: float = Field(1.0, gt=0)

    def layer_sizes(self) -> list[int]:
        """Widths from input to output."""
        return [self.input_size, *self.hidden_layers, self.output_size]

    def state_shapes(self) -> dict[str, tuple[int, ...]]:
        """The parameter shapes of `build()`'s network, by state-dict key."""
        sizes = self.layer_sizes()
        shapes: dict[str, tuple[int, ...]] = {}
        for i, (width_in, width_out) in enumerate(itertools.pairwise(sizes)):
            shapes[f"{2 * i}.weight"] = (width_out, width_in)
            shapes[f"{2 * i}.bias"] = (width_out,)
        return shapes

    def build(self) -> Any:
        """A fresh network: Linear layers with ReLU between them."""
        from torch import nn  # heavy: only when a network is built

        sizes = self.layer_sizes()
        layers: list[Any] = []
        for width_in, width_out in itertools.pairwise(sizes):
            layers += [nn.Linear(width_in, width_out), nn.ReLU()]
        return nn.Sequential(*layers[:-1])


class MLPEstimator:
    """A trained torch_mlp network with scikit-learn's predict / predict_proba, run on CPU.

    Takes a DataFrame of the model's features, in feature order.
    """

    #: Rows per forward pass at inference, to bound memory on large requests.
    chunk_rows = 65_536

    def __init__(self, network: Any, spec: MLPSpec) -> None:
        self.network = network.to("cpu").eval()
        self.spec = spec

    @classmethod
    def from_state_dict(cls, spec: dict[str, Any], state: dict[str, Any]) -> MLPEstimator:
        """Rebuild from a spec and a state dict; ValueError when they do not fit together."""
        import torch  # heavy: only when a torch model is loaded

        parsed = MLPSpec.model_validate(spec)
        shapes = {key: tuple(value.shape) for key, value in state.items()}
        if shapes != parsed.state_shapes():
            raise ValueError("the state dict does not match the network described by the spec")
        if any(value.dtype != torch.float32 for value in state.values()):
            raise ValueError("the state dict must hold float32 tensors")
        network = parsed.build()
        network.load_state_dict(state, strict=True)
        return cls(network, parsed)

    def state_dict(self) -> dict[str, Any]:
        """The network's weights."""
        return {key: value.detach().cpu() for key, value in self.network.state_dict().items()}

    def outputs(self, features: pd.DataFrame) -> np.ndarray:
        """Raw network outputs (logits, or the standardised prediction) for feature rows."""
        import torch  # heavy: only when predicting with a torch model

        matrix = np.array(features, dtype=np.float32)
        parts = []
        with torch.no_grad():
            for start in range(0, len(matrix), self.chunk_rows):
                batch = torch.from_numpy(matrix[start : start + self.chunk_rows])
                parts.append(self.network(batch).numpy())
        return np.concatenate(parts) if parts else np.zeros((0, self.spec.output_size))

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """Class probabilities, columns in class order (classification only)."""
        if self.spec.task != "classification":
            raise AttributeError("a regression network has no class probabilities")
        logits = self.outputs(features).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=1, keepdims=True)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """Class labels, or numbers for regression."""
        out = self.outputs(features)
        if self.spec.task == "classification":
            return np.asarray(self.spec.classes)[out.argmax(axis=1)]
        return out[:, 0].astype(np.float64) * self.spec.target_scale + self.spec.target_mean
