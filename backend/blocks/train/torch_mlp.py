"""train.torch_mlp: train a multi-layer perceptron with PyTorch, with validation and early stop."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field

from backend.blocks.base import (
    MODEL,
    TABLE,
    Block,
    BlockConfig,
    BlockRunError,
    ConfigIssue,
    SchemaEnv,
    StepCancelled,
    StepContext,
    TableSchema,
)
from backend.blocks.registry import register_block
from backend.blocks.train.checks import (
    SEED,
    TARGET,
    TASK,
    TaskChoice,
    check_features,
    plain,
    resolve_target,
    signature_of,
    target_issues,
    training_target,
)
from backend.blocks.train.mlp_network import MLPEstimator, MLPSpec
from backend.blocks.values import Table, Task, TrainedModel


@register_block
class TorchMLPTrain(Block):
    """Train a multi-layer perceptron with PyTorch (on a GPU when the worker has one).

    Features are used as they come: scale them upstream (feature.scale) for best results.
    Reports loss and validation scores every epoch; early stopping keeps the best epoch.
    """

    key = "train.torch_mlp"
    title = "Train neural network (MLP)"
    family = "train"
    queue = "gpu"
    inputs = {"train": TABLE.describe("Training rows: numeric features and the target")}
    outputs = {"model": MODEL.describe("The trained network")}
    example_configs = [
        {"hidden_layers": [16], "epochs": 5, "learning_rate": 0.01, "early_stopping_patience": 2},
        {"task": "regression", "hidden_layers": [8, 8], "epochs": 3, "validation_fraction": 0},
    ]

    class Config(BlockConfig):
        task: TaskChoice = TASK
        target: str | None = TARGET
        hidden_layers: list[Annotated[int, Field(ge=1, le=4096)]] = Field(
            [64, 64], min_length=1, max_length=16, description="Width of each hidden layer."
        )
        epochs: int = Field(50, ge=1, le=10_000, description="Passes over the training rows.")
        batch_size: int = Field(64, ge=1, le=65_536, description="Rows per gradient step.")
        learning_rate: float = Field(1e-3, gt=0, le=10, description="Adam step size.")
        weight_decay: float = Field(0.0, ge=0, le=1, description="Decoupled weight decay.")
        validation_fraction: float = Field(
            0.2, ge=0, le=0.5, description="Share of rows held out to score each epoch."
        )
        early_stopping_patience: int = Field(
            0,
            ge=0,
            le=10_000,
            description="Stop after this many epochs without a better validation loss and "
            "keep the best weights; 0: off.",
        )
        seed: int = SEED

    def infer_schemas(
        self, config: Config, inputs: dict[str, TableSchema | None], env: SchemaEnv
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        issues = target_issues(
            config, inputs.get("train"), ("classification", "regression"), "torch_mlp"
        )
        if config.early_stopping_patience and not config.validation_fraction:
            issues.append(
                ConfigIssue(
                    "early stopping watches the validation loss: set validation_fraction "
                    "above 0, or patience to 0",
                    field="early_stopping_patience",
                )
            )
        return {}, issues

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        import torch  # heavy: only when a network is trained

        train: Table = inputs["train"]
        config = ctx.config
        target = resolve_target(train, config.target)
        y, task = training_target(ctx, train.frame, target, config.task)
        features = [c for c in map(str, train.frame.columns) if c != target]
        check_features(train.frame, features, allow_nan=False)
        if config.early_stopping_patience and not config.validation_fraction:
            raise BlockRunError(
                "early stopping needs validation rows: set validation_fraction above 0",
                field="early_stopping_patience",
            )
        spec, labels = encode_target(y, task, len(features), config.hidden_layers)
        fit_rows, val_rows = split_rows(len(y), config.validation_fraction, config.seed)
        x = torch.from_numpy(train.frame[features].to_numpy(dtype=np.float32, copy=True))
        device = training_device(ctx)
        ctx.log(
            f"training an MLP {spec.layer_sizes()} ({task}) on {len(fit_rows)} rows, "
            f"validating on {len(val_rows)}, target '{target}', device {device}"
        )
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            network = spec.build()
        fit = MLPFit(ctx, config, spec, network.to(device), device)
        history = fit.run((x[fit_rows], labels[fit_rows]), (x[val_rows], labels[val_rows]))
        model = TrainedModel(
            flavor="torch_mlp",
            task=task,
            estimator=MLPEstimator(network, spec),
            features=features,
            target=target,
            classes=spec.classes,
            lineage=train.lineage,
            signature=signature_of(train, target),
            spec=spec.model_dump(),
            info={
                "block": self.key,
                "version": self.version,
                "params": config.model_dump(exclude={"task", "target"}),
                "train_rows": len(fit_rows),
                "validation_rows": len(val_rows),
                "device": device,
                **history,
            },
        )
        return {"model": model}


def encode_target(
    y: pd.Series, task: Task, input_size: int, hidden: list[int]
) -> tuple[MLPSpec, Any]:
    """The network's spec and the target as a tensor: class indices, or standardised values."""
    import torch  # heavy: only when a network is trained

    if task == "classification":
        classes = np.unique(y.to_numpy())
        codes = pd.Categorical(y, categories=classes).codes.astype(np.int64)
        spec = MLPSpec(
            input_size=input_size,
            hidden_layers=hidden,
            output_size=len(classes),
            task=task,
            classes=plain(classes),
        )
        return spec, torch.from_numpy(codes)
    values = y.to_numpy(dtype=np.float64)
    mean, scale = float(values.mean()), float(values.std()) or 1.0
    spec = MLPSpec(
        input_size=input_size,
        hidden_layers=hidden,
        output_size=1,
        task=task,
        target_mean=mean,
        target_scale=scale,
    )
    return spec, torch.from_numpy(((values - mean) / scale).astype(np.float32)[:, None])


def split_rows(rows: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices to train on and to validate on, shuffled by `seed`."""
    order = np.random.default_rng(seed).permutation(rows)
    held = max(round(rows * fraction), 1) if fraction > 0 else 0
    if rows - held < 1:
        raise BlockRunError(
            f"{rows} rows are too few to train and validate on; lower validation_fraction",
            field="validation_fraction",
        )
    return np.sort(order[held:]), np.sort(order[:held])


def training_device(ctx: StepContext) -> str:
    """The device the step was given, or cpu when torch sees no GPU here."""
    import torch  # heavy: only when a network is trained

    if str(ctx.device).startswith("cuda"):
        if torch.cuda.is_available():
            return str(ctx.device)
        ctx.log("torch sees no usable GPU on this worker; training on cpu", "warning")
    return "cpu"


class MLPFit:
    """One training of a network: epochs of shuffled mini-batches, validation, early stopping."""

    #: Rows per forward pass when scoring the validation rows.
    chunk_rows = 65_536

    def __init__(
        self, ctx: StepContext, config: Any, spec: MLPSpec, network: Any, device: str
    ) -> None:
        import torch  # heavy: only when a network is trained

        self.ctx, self.config, self.spec = ctx, config, spec
        self.network, self.device = network, device
        self.classify = spec.task == "classification"
        self.loss_fn = torch.nn.CrossEntropyLoss() if self.classify else torch.nn.MSELoss()

    def run(self, fit: tuple[Any, Any], val: tuple[Any, Any]) -> dict[str, int]:
        """Train in place; returns how many epochs ran and which one's weights were kept."""
        import torch  # heavy: only when a network is trained

        optimizer = torch.optim.AdamW(
            self.network.parameters(),
            lr=self.config.learning_rate,
            weight_decay=self.config.weight_decay,
        )
        generator = torch.Generator().manual_seed(self.config.seed)
        x, y = (t.to(self.device) for t in fit)
        x_val, y_val = (t.to(self.device) for t in val)
        patience, epochs = self.config.early_stopping_patience, self.config.epochs
        best_loss, best_epoch, best_state = float("inf"), 0, None
        for epoch in range(1, epochs + 1):
            self.ctx.metric("loss", self._epoch(x, y, optimizer, generator), step=epoch)
            scores = self._validate(x_val, y_val) if len(x_val) else {}
            for key, value in scores.items():
                self.ctx.metric(key, value, step=epoch)
            self.ctx.progress(epoch / epochs)
            if not patience:
                continue
            if scores["val_loss"] < best_loss:
                best_loss, best_epoch = scores["val_loss"], epoch
                best_state = {k: v.detach().clone() for k, v in self.network.state_dict().items()}
            elif epoch - best_epoch >= patience:
                self.ctx.log(f"early stop at epoch {epoch}; keeping epoch {best_epoch}")
                break
        if best_state is not None:
            self.network.load_state_dict(best_state)
        return {"epochs_run": epoch, "best_epoch": best_epoch or epoch}

    def _epoch(self, x: Any, y: Any, optimizer: Any, generator: Any) -> float:
        import torch  # heavy: only when a network is trained

        self.network.train()
        order = torch.randperm(len(x), generator=generator).to(self.device)
        total = 0.0
        for start in range(0, len(x), self.config.batch_size):
            if self.ctx.cancelled():
                raise StepCancelled("the run was cancelled")
            batch = order[start : start + self.config.batch_size]
            optimizer.zero_grad()
            loss = self.loss_fn(self.network(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            total += float(loss.item()) * len(batch)
        mean = total / len(x)
        if not np.isfinite(mean):
            raise BlockRunError(
                "training diverged (the loss is not finite); lower the learning_rate "
                "or scale the features with feature.scale",
                field="learning_rate",
            )
        return mean

    def _validate(self, x: Any, y: Any) -> dict[str, float]:
        import torch  # heavy: only when a network is trained

        self.network.eval()
        with torch.no_grad():
            out = torch.cat(
                [
                    self.network(x[s : s + self.chunk_rows])
                    for s in range(0, len(x), self.chunk_rows)
                ]
            )
            loss = float(self.loss_fn(out, y))
            if self.classify:
                accuracy = float((out.argmax(dim=1) == y).float().mean())
                return {"val_loss": loss, "val_accuracy": accuracy}
            rmse = float(torch.sqrt(((out - y) ** 2).mean())) * self.spec.target_scale
            return {"val_loss": loss, "val_rmse": rmse}
