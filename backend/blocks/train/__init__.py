"""Train blocks: fit a model on a table.

A model trains on every column of its input table but the target, in table order; the feature
blocks upstream are where columns are encoded, scaled, imputed or dropped. So a train block
refuses text columns (add feature.one_hot) and missing values its estimator cannot take (add
feature.impute) rather than quietly changing the data itself.

With ``task: auto`` the target decides: a bool, text, categorical or integer target is
classification, and so is a float target holding at most ``FEW_CLASSES`` distinct whole numbers
(class ids read from a file as floats); any other float target is regression.
"""

# Importing the block modules registers their blocks; the names below are the package's API.
from backend.blocks.base import StepCancelled
from backend.blocks.train.checks import (
    FEW_CLASSES,
    MANY_CLASSES,
    SEED,
    TARGET,
    TASK,
    TaskChoice,
    accepts_missing,
    check_features,
    infer_task,
    mismatch,
    plain,
    resolve_target,
    signature_of,
    target_issues,
    task_of_dtype,
    training_target,
)
from backend.blocks.train.mlp_network import MLPEstimator, MLPSpec
from backend.blocks.train.scikit_learn import (
    ESTIMATORS,
    Algorithm,
    SklearnTrain,
    make_estimator,
    supported_tasks,
)
from backend.blocks.train.torch_mlp import (
    MLPFit,
    TorchMLPTrain,
    encode_target,
    split_rows,
    training_device,
)

__all__ = [
    "ESTIMATORS",
    "FEW_CLASSES",
    "MANY_CLASSES",
    "SEED",
    "TARGET",
    "TASK",
    "Algorithm",
    "MLPEstimator",
    "MLPFit",
    "MLPSpec",
    "SklearnTrain",
    "StepCancelled",
    "TaskChoice",
    "TorchMLPTrain",
    "accepts_missing",
    "check_features",
    "encode_target",
    "infer_task",
    "make_estimator",
    "mismatch",
    "plain",
    "resolve_target",
    "signature_of",
    "split_rows",
    "supported_tasks",
    "target_issues",
    "task_of_dtype",
    "training_device",
    "training_target",
]
