"""Train blocks: fit a model on a table.

A model trains on every column of its input table but the target, in table order; the feature
blocks upstream are where columns are encoded, scaled, imputed or dropped. So a train block
refuses text columns (add feature.one_hot) and missing values its estimator cannot take (add
feature.impute) rather than quietly changing the data itself.

With ``task: auto`` the target decides: a bool, text, categorical or integer target is
classification, and so is a float target holding at most ``FEW_CLASSES`` distinct whole numbers
(class ids read from a file as floats); any other float target is regression.
"""

from __future__ import annotations

import importlib
import itertools
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from backend.runners.blocks.base import (
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
    missing_columns,
)
from backend.runners.blocks.registry import register_block
from backend.runners.blocks.values import Table, Task, TrainedModel
from backend.runners.tables import dtype_name

__all__ = ["MLPEstimator", "MLPSpec", "SklearnTrain", "StepCancelled", "TorchMLPTrain"]

TaskChoice = Literal["auto", "classification", "regression"]
Algorithm = Literal[
    "logistic_regression",
    "linear_regression",
    "ridge",
    "random_forest",
    "hist_gradient_boosting",
    "svm",
    "knn",
]
#: A float target with at most this many distinct whole numbers is taken for class ids.
FEW_CLASSES = 10
#: An integer target with more distinct values than this gets a warning under ``task: auto``.
MANY_CLASSES = 50
SEED = Field(0, ge=0, le=2**32 - 1, description="Random seed: the same seed, the same model.")
TASK = Field(
    "auto",
    description="What to predict. auto: classification for bool, text or integer targets "
    "(or floats with a few whole-number values), regression for other floats.",
)
TARGET = Field(
    None,
    description="The label column; empty: the table's target (set in the ingest block).",
    json_schema_extra={"widget": "column"},
)


# --- What both trainers check -------------------------------------------------------------------


def task_of_dtype(dtype: str | None) -> Task | None:
    """The task `auto` picks for a target of this dtype, or None when its values decide."""
    if dtype in ("bool", "string", "category", "int64"):
        return "classification"
    return None


def infer_task(target: pd.Series) -> Task:
    """The task `auto` picks for a target column (the rule in the module docstring)."""
    known = task_of_dtype(dtype_name(target.dtype))
    if known is not None or not pd.api.types.is_numeric_dtype(target):
        return known or "classification"
    distinct = target.dropna().unique()
    whole = bool(np.all(np.mod(distinct, 1) == 0))
    return "classification" if whole and len(distinct) <= FEW_CLASSES else "regression"


def resolve_target(table: Table, configured: str | None) -> str:
    """The label column: the configured one, else the table's; it must exist."""
    target = configured or table.target
    if not target:
        raise BlockRunError(
            "the table has no label column: set 'target' here or in the ingest block",
            field="target",
            port="train",
        )
    if target not in table.frame.columns:
        raise BlockRunError(
            f"target column '{target}' is not in the table "
            f"(columns: {', '.join(map(str, table.frame.columns))})",
            field="target",
            port="train",
            column=target,
        )
    return target


def training_target(
    ctx: StepContext, frame: pd.DataFrame, target: str, choice: TaskChoice
) -> tuple[pd.Series, Task]:
    """The target column and the task, refusing targets no estimator can learn from."""
    y = frame[target]
    place = {"field": "target", "port": "train", "column": target}
    if y.isna().any():
        raise BlockRunError(
            f"target '{target}' has {int(y.isna().sum())} missing values; "
            "remove those rows before training",
            **place,
        )
    task = infer_task(y) if choice == "auto" else choice
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if task == "regression" and not numeric:
        raise BlockRunError(
            f"target '{target}' is {dtype_name(y.dtype)}; regression needs numbers "
            "(set task to classification)",
            **place,
        )
    if task == "classification":
        if pd.api.types.is_float_dtype(y) and not bool(np.all(np.mod(y.to_numpy(), 1) == 0)):
            raise BlockRunError(
                f"target '{target}' has fractional values, not class labels; "
                "set task to regression",
                **place,
            )
        classes = y.nunique()
        if classes < 2:
            raise BlockRunError(
                f"target '{target}' has a single class ({plain(y.iloc[:1])[0]!r}); "
                "classification needs at least two",
                **place,
            )
        if choice == "auto" and classes > MANY_CLASSES:
            ctx.log(
                f"target '{target}' has {classes} distinct values, treated as classes; "
                "set task to regression if it is a quantity",
                "warning",
            )
    return y, task


def check_features(
    frame: pd.DataFrame, columns: list[str], *, allow_nan: bool, port: str = "train"
) -> None:
    """Refuse feature columns an estimator cannot take: text, missing or infinite values."""
    if not columns:
        raise BlockRunError("the table has no feature columns besides the target", port=port)
    for name in columns:
        if not pd.api.types.is_numeric_dtype(frame[name]):
            kind = dtype_name(frame[name].dtype)
            fix = (
                "add feature.one_hot before this block to encode it"
                if kind in ("string", "category")
                else "drop it or turn it into numbers upstream"
            )
            raise BlockRunError(
                f"column '{name}' holds {kind} values; models take numbers: {fix}",
                port=port,
                column=name,
            )
    values = frame[columns]
    missing = [name for name in columns if values[name].isna().any()]
    if missing and not allow_nan:
        raise BlockRunError(
            f"column(s) {', '.join(repr(n) for n in missing)} have missing values this model "
            "cannot take; add feature.impute before this block",
            port=port,
            column=missing[0],
        )
    floats = [n for n in columns if pd.api.types.is_float_dtype(values[n])]
    infinite = [n for n in floats if np.isinf(values[n].to_numpy(dtype="float64")).any()]
    if infinite:
        raise BlockRunError(
            f"column(s) {', '.join(repr(n) for n in infinite)} have infinite values; "
            "remove or clip them upstream",
            port=port,
            column=infinite[0],
        )


def accepts_missing(model: TrainedModel) -> bool:
    """Whether a trained model's estimator takes NaN in its features."""
    return model.flavor == "sklearn" and _sklearn_allows_nan(model.estimator)


def _sklearn_allows_nan(estimator: Any) -> bool:
    from sklearn.utils import get_tags  # heavy: only with a scikit-learn estimator at hand

    return bool(get_tags(estimator).input_tags.allow_nan)


def signature_of(table: Table, target: str) -> list[dict[str, str]]:
    """Raw columns a prediction request provides: ingest's schema (or the table's) less target."""
    if table.raw_schema is not None:
        pairs = [(c.name, c.dtype) for c in table.raw_schema.columns]
    else:
        pairs = [(str(c), dtype_name(table.frame[c].dtype)) for c in table.frame.columns]
    return [{"name": name, "dtype": dtype} for name, dtype in pairs if name != target]


def plain(values: Any) -> list[Any]:
    """Labels as JSON-friendly Python scalars."""
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def target_issues(
    config: Any, schema: TableSchema | None, supported: tuple[Task, ...], algorithm: str
) -> list[ConfigIssue]:
    """Validation-time problems: an unknown target; a task the algorithm cannot do."""
    issues: list[ConfigIssue] = []
    task = config.task
    if config.target:
        issues = missing_columns(schema, [config.target], field="target", port="train")
        if task == "auto" and schema is not None and not issues:
            task = task_of_dtype(schema.dtype_of(config.target)) or "auto"
    if task != "auto" and task not in supported:
        reason = mismatch(algorithm, task, config.target if config.task == "auto" else None)
        issues.append(ConfigIssue(reason, field="algorithm"))
    return issues


def mismatch(algorithm: str, task: Task, inferred_from: str | None = None) -> str:
    """Why an algorithm cannot train here, and what to change."""
    why = f" (task auto reads target '{inferred_from}' as {task})" if inferred_from else ""
    return f"{algorithm} cannot do {task}{why}; pick another algorithm or set the task"


# --- train.sklearn ------------------------------------------------------------------------------

#: algorithm: (classifier, regressor, {scikit-learn parameter: config field}).
ESTIMATORS: dict[str, tuple[str | None, str | None, dict[str, str]]] = {
    "logistic_regression": (
        "linear_model.LogisticRegression",
        None,
        {"C": "C", "max_iter": "max_iter", "random_state": "seed"},
    ),
    "linear_regression": (None, "linear_model.LinearRegression", {}),
    "ridge": ("linear_model.RidgeClassifier", "linear_model.Ridge", {"alpha": "alpha"}),
    "random_forest": (
        "ensemble.RandomForestClassifier",
        "ensemble.RandomForestRegressor",
        {"n_estimators": "n_estimators", "max_depth": "max_depth", "random_state": "seed"},
    ),
    "hist_gradient_boosting": (
        "ensemble.HistGradientBoostingClassifier",
        "ensemble.HistGradientBoostingRegressor",
        {
            "max_iter": "n_estimators",
            "max_depth": "max_depth",
            "learning_rate": "learning_rate",
            "random_state": "seed",
        },
    ),
    "svm": ("svm.SVC", "svm.SVR", {"C": "C", "kernel": "kernel"}),
    "knn": (
        "neighbors.KNeighborsClassifier",
        "neighbors.KNeighborsRegressor",
        {"n_neighbors": "n_neighbors"},
    ),
}


def supported_tasks(algorithm: str) -> tuple[Task, ...]:
    """The tasks an algorithm can do."""
    classifier, regressor, _ = ESTIMATORS[algorithm]
    tasks: list[Task] = []
    if classifier:
        tasks.append("classification")
    if regressor:
        tasks.append("regression")
    return tuple(tasks)


def make_estimator(config: Any, task: Task) -> tuple[Any, dict[str, Any]]:
    """A fresh scikit-learn estimator for `config` and `task`, and the parameters it got."""
    classifier, regressor, fields = ESTIMATORS[config.algorithm]
    path = classifier if task == "classification" else regressor
    if path is None:
        raise BlockRunError(mismatch(config.algorithm, task), field="algorithm")
    module, name = path.rsplit(".", 1)
    # scikit-learn submodules are heavy: imported only when a model is trained.
    estimator_cls = getattr(importlib.import_module(f"sklearn.{module}"), name)
    params = {param: getattr(config, field) for param, field in fields.items()}
    return estimator_cls(**params), params


@register_block
class SklearnTrain(Block):
    """Train a scikit-learn model (linear, tree ensembles, SVM, k-NN) on every non-target column.

    Classification or regression; the target is the table's label unless set here. Settings
    that do not apply to the chosen algorithm are ignored.
    """

    key = "train.sklearn"
    title = "Train (scikit-learn)"
    family = "train"
    inputs = {"train": TABLE.describe("Training rows: numeric features and the target")}
    outputs = {"model": MODEL.describe("The fitted model")}
    example_configs = [
        {"algorithm": "random_forest", "n_estimators": 20, "seed": 0},
        {"algorithm": "logistic_regression", "max_iter": 1000},
        {"algorithm": "ridge", "task": "regression", "alpha": 0.5},
        {"algorithm": "hist_gradient_boosting", "n_estimators": 10, "target": "target"},
    ]

    class Config(BlockConfig):
        algorithm: Algorithm = Field("random_forest", description="Which estimator to fit.")
        task: TaskChoice = TASK
        target: str | None = TARGET
        C: float = Field(
            1.0, gt=0, le=1e6, description="Inverse regularisation (logistic_regression, svm)."
        )
        max_iter: int = Field(
            1000, ge=1, le=100_000, description="Solver iterations (logistic_regression)."
        )
        n_estimators: int = Field(
            100,
            ge=1,
            le=5000,
            description="Trees (random_forest) or boosting rounds (hist_gradient_boosting).",
        )
        max_depth: int | None = Field(
            None,
            ge=1,
            le=1000,
            description="Tree depth limit; empty: unlimited (random_forest, "
            "hist_gradient_boosting).",
        )
        learning_rate: float = Field(
            0.1, gt=0, le=10, description="Boosting step size (hist_gradient_boosting)."
        )
        alpha: float = Field(1.0, ge=0, le=1e6, description="L2 regularisation (ridge).")
        n_neighbors: int = Field(5, ge=1, le=1000, description="Neighbours consulted (knn).")
        kernel: Literal["rbf", "linear", "poly", "sigmoid"] = Field(
            "rbf", description="Kernel (svm)."
        )
        seed: int = SEED

    def infer_schemas(
        self, config: Config, inputs: dict[str, TableSchema | None], env: SchemaEnv
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        supported = supported_tasks(config.algorithm)
        return {}, target_issues(config, inputs.get("train"), supported, config.algorithm)

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        train: Table = inputs["train"]
        config = ctx.config
        target = resolve_target(train, config.target)
        y, task = training_target(ctx, train.frame, target, config.task)
        if task not in supported_tasks(config.algorithm):
            inferred_from = target if config.task == "auto" else None
            raise BlockRunError(mismatch(config.algorithm, task, inferred_from), field="algorithm")
        estimator, params = make_estimator(config, task)
        features = [c for c in map(str, train.frame.columns) if c != target]
        check_features(train.frame, features, allow_nan=_sklearn_allows_nan(estimator))
        if config.algorithm == "knn" and config.n_neighbors > len(y):
            raise BlockRunError(
                f"n_neighbors is {config.n_neighbors} but there are only {len(y)} training rows",
                field="n_neighbors",
            )
        if ctx.cancelled():
            raise StepCancelled("cancelled before training")
        ctx.log(
            f"training {config.algorithm} ({task}) on {len(y)} rows x {len(features)} features, "
            f"target '{target}'"
        )
        estimator.fit(train.frame[features], y)
        score = float(estimator.score(train.frame[features], y))
        ctx.metric("train_accuracy" if task == "classification" else "train_r2", score)
        ctx.progress(1.0)
        model = TrainedModel(
            flavor="sklearn",
            task=task,
            estimator=estimator,
            features=features,
            target=target,
            classes=plain(estimator.classes_) if task == "classification" else None,
            lineage=train.lineage,
            signature=signature_of(train, target),
            spec={"estimator": type(estimator).__name__},
            info={
                "block": self.key,
                "version": self.version,
                "algorithm": config.algorithm,
                "params": params,
                "train_rows": len(y),
            },
        )
        return {"model": model}


# --- train.torch_mlp ----------------------------------------------------------------------------


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
