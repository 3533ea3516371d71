"""Feature blocks: fitted on the train table, applied to the test table, recorded in lineage.

Every block but the split takes ``train`` and an optional ``test`` table, fits on train only,
applies the fitted transform to both, and appends it to the lineage of both outputs, so that a
model trained downstream can be served on the raw rows ingest produced. When ``test`` is not
wired, the ``test`` output has no rows and the same columns as the ``train`` output.

The label column (the table's ``target``) is never transformed: a block refuses to run when it
is listed in ``columns`` (keeping it is harmless, so select_columns allows that), and an empty
``columns`` list never includes it.
"""

# Importing the block modules registers their blocks; the names below are the package's API.
from backend.blocks.feature.columns import Impute, OneHot, SelectColumns
from backend.blocks.feature.common import MAX_FLOAT_CLASSES, NUMBER_DTYPES, Schemas
from backend.blocks.feature.numeric import Pca, Scale
from backend.blocks.feature.split import Split
from backend.blocks.feature.transforms import (
    ImputeTransform,
    OneHotTransform,
    PcaTransform,
    ScaleTransform,
    SelectColumnsTransform,
)

__all__ = [
    "MAX_FLOAT_CLASSES",
    "NUMBER_DTYPES",
    "Impute",
    "ImputeTransform",
    "OneHot",
    "OneHotTransform",
    "Pca",
    "PcaTransform",
    "Scale",
    "ScaleTransform",
    "Schemas",
    "SelectColumns",
    "SelectColumnsTransform",
    "Split",
]
