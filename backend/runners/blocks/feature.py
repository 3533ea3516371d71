"""Feature blocks: fitted on the train table, applied to the test table, recorded in lineage.

Every block but the split takes ``train`` and an optional ``test`` table, fits on train only,
applies the fitted transform to both, and appends it to the lineage of both outputs, so that a
model trained downstream can be served on the raw rows ingest produced. When ``test`` is not
wired, the ``test`` output has no rows and the same columns as the ``train`` output.

The label column (the table's ``target``) is never transformed: a block refuses to run when it
is listed in ``columns`` (keeping it is harmless, so select_columns allows that), and an empty
``columns`` list never includes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from backend.runners.blocks.base import (
    TABLE,
    Block,
    BlockConfig,
    BlockRunError,
    ConfigIssue,
    SchemaEnv,
    StepContext,
    missing_columns,
)
from backend.runners.blocks.registry import register_block
from backend.runners.blocks.values import FittedTransform, Table
from backend.runners.schema import Column, TableSchema
from backend.runners.tables import dtype_name, json_value

Schemas = dict[str, TableSchema | None]
NUMBER_DTYPES = ("int64", "float64")
#: A float label with more distinct values than this is treated as continuous (not stratified).
MAX_FLOAT_CLASSES = 20


def _columns_field(description: str) -> Any:
    return Field(
        default_factory=list, description=description, json_schema_extra={"widget": "columns"}
    )


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_datetime(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _not_numeric(column: str, dtype: str) -> str:
    kind = "text" if dtype == "string" else dtype
    return f"column '{column}' is {kind}; one-hot encode it first (feature.one_hot) or drop it"


def _floats(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The columns as a float64 matrix (missing values as NaN)."""
    try:
        return frame[columns].to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        bad = next(c for c in columns if not _is_number(frame[c]))
        raise BlockRunError(
            _not_numeric(bad, dtype_name(frame[bad].dtype)), field="columns", column=bad
        ) from None


def _present(frame: pd.DataFrame, columns: list[str]) -> None:
    """Raise when rows lack a column a fitted transform needs."""
    for column in columns:
        if column not in frame.columns:
            raise BlockRunError(
                f"column '{column}' is missing from the rows; a fitted feature step needs it, "
                "so send it with every row",
                column=column,
            )


def _require(table: Table, columns: list[str], *, port: str, field: str = "columns") -> None:
    for column in columns:
        if column not in table.frame.columns:
            raise BlockRunError(
                f"column '{column}' is not in the {port} table "
                f"(columns: {', '.join(map(str, table.frame.columns))}); "
                "pick one of those or change the upstream block",
                field=field,
                port=port,
                column=column,
            )


def _splice(frame: pd.DataFrame, replace: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """`frame` with each named column replaced in place by new columns (None: removed)."""
    pieces = [replace[name] if name in replace else frame[[name]] for name in frame.columns]
    kept = [piece for piece in pieces if piece is not None]
    return pd.concat(kept, axis=1) if kept else frame.iloc[:, :0].copy()


def _splice_schema(schema: TableSchema, replace: dict[str, list[Column]]) -> TableSchema:
    """The schema analogue of `_splice` (an empty list removes the column)."""
    columns = [new for old in schema.columns for new in replace.get(old.name, [old])]
    return TableSchema(tuple(columns))


def _refuse_clash(frame: pd.DataFrame, replaced: list[str], new: list[str]) -> None:
    taken = set(frame.columns) - set(replaced)
    for name in new:
        if name in taken:
            raise BlockRunError(
                f"output column '{name}' already exists in the table; rename or drop it first",
                field="columns",
                column=name,
            )


def _require_numbers(frame: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        if not _is_number(frame[column]):
            dtype = dtype_name(frame[column].dtype)
            raise BlockRunError(_not_numeric(column, dtype), field="columns", column=column)


def _require_observed(frame: pd.DataFrame, columns: list[str], fix: str) -> None:
    for column in columns:
        if frame[column].isna().all():
            raise BlockRunError(
                f"column '{column}' has no values in train to learn from; {fix}",
                field="columns",
                column=column,
            )


def _no_holes(values: np.ndarray, columns: list[str]) -> None:
    holes = np.isnan(values).any(axis=0)
    if holes.any():
        column = columns[int(np.argmax(holes))]
        raise BlockRunError(
            f"column '{column}' has missing values; fill them first (feature.impute)",
            field="columns",
            column=column,
        )


def _nonzero(scale: np.ndarray) -> np.ndarray:
    """`scale` with (near) zeros replaced by 1, as scikit-learn does for constant columns."""
    return np.where(scale < 10 * np.finfo("float64").eps, 1.0, scale)


def _sorted(values: list[Any]) -> list[Any]:
    """Categories in a deterministic order: natural when comparable, else by type and text."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


@dataclass
class _Transform(FittedTransform):
    """A fitted transform whose state is its dataclass fields, all JSON values."""

    def params(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SelectColumnsTransform(_Transform):
    """Keep or drop columns; a kept label is optional, so raw rows need not carry it."""

    kind = "select_columns"
    mode: str
    columns: list[str]
    target: str | None = None

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.mode == "drop":
            return frame.drop(columns=[c for c in self.columns if c in frame.columns])
        _present(frame, self.columns)
        keep = {*self.columns, self.target}
        return frame[[c for c in frame.columns if c in keep]].copy()


@dataclass
class ImputeTransform(_Transform):
    """Fill missing values with one value per column."""

    kind = "impute"
    values: dict[str, Any]

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        _present(frame, list(self.values))
        out = frame.copy()
        for column, value in self.values.items():
            series = out[column]
            if isinstance(series.dtype, pd.CategoricalDtype) and value not in series.cat.categories:
                series = series.cat.add_categories([value])
            out[column] = series.fillna(value)
        return out


@dataclass
class ScaleTransform(_Transform):
    """``(x - center) / scale`` per column, as float64; missing values stay missing."""

    kind = "scale"
    method: str
    columns: dict[str, dict[str, float]]

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        _present(frame, list(self.columns))
        out = frame.copy()
        for column, stats in self.columns.items():
            values = _floats(frame, [column])[:, 0]
            out[column] = (values - stats["center"]) / stats["scale"]
        return out


@dataclass
class OneHotTransform(_Transform):
    """Replace each column by one float64 column per train category, named ``col=value``.

    A missing value is all zeros; so is an unseen value, unless ``handle_unknown`` is "error".
    """

    kind = "one_hot"
    columns: dict[str, list[Any]]
    handle_unknown: str = "ignore"

    @staticmethod
    def names(column: str, categories: list[Any]) -> list[str]:
        return [f"{column}={value}" for value in categories]

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        _present(frame, list(self.columns))
        replace: dict[str, pd.DataFrame | None] = {}
        for column, categories in self.columns.items():
            values = frame[column]
            if self.handle_unknown == "error":
                unseen = values.notna() & ~values.isin(categories)
                if unseen.any():
                    raise BlockRunError(
                        f"column '{column}' has value {values[unseen].iloc[0]!r}, not seen in "
                        "train; set handle_unknown to 'ignore' to encode it as all zeros",
                        field="handle_unknown",
                        column=column,
                    )
            dummies = {
                name: values.isin([value]).to_numpy(dtype="float64")
                for name, value in zip(self.names(column, categories), categories, strict=True)
            }
            replace[column] = pd.DataFrame(dummies, index=frame.index, dtype="float64")
        return _splice(frame, replace)


@dataclass
class PcaTransform(_Transform):
    """Project columns on fitted principal components ``pc1..pcN``, in place of the first."""

    kind = "pca"
    columns: list[str]
    mean: list[float]
    components: list[list[float]]
    explained_variance: list[float]
    whiten: bool = False

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        _present(frame, self.columns)
        values = _floats(frame, self.columns)
        _no_holes(values, self.columns)
        components = np.asarray(self.components, dtype="float64")
        projected = values @ components.T - np.asarray(self.mean) @ components.T
        if self.whiten:
            scale = np.sqrt(np.asarray(self.explained_variance, dtype="float64"))
            projected /= np.maximum(scale, np.finfo("float64").eps)
        names = [f"pc{i + 1}" for i in range(len(components))]
        pcs = pd.DataFrame(projected, index=frame.index, columns=names)
        first = next(c for c in frame.columns if c in self.columns)
        return _splice(frame, {c: pcs if c == first else None for c in self.columns})


@register_block
class Split(Block):
    """Split rows at random into train and test tables, keeping class proportions.

    Stratifies on the label when the table has one that looks like classes (not a float with
    many distinct values). Results equal scikit-learn's train_test_split with the same seed.
    """

    key = "feature.split"
    title = "Train/test split"
    family = "feature"
    inputs = {"table": TABLE.describe("Rows to split")}
    outputs = {
        "train": TABLE.describe("Rows to fit on"),
        "test": TABLE.describe("Held-out rows to evaluate on"),
    }
    example_configs = [{}, {"test_size": 0.3, "stratify": False, "seed": 7}, {"shuffle": False}]

    class Config(BlockConfig):
        test_size: float = Field(0.25, ge=0.05, le=0.95, description="Fraction of rows for test.")
        stratify: bool = Field(
            True,
            description="Keep the label's class proportions in both tables (classification "
            "labels only; ignored without shuffle).",
        )
        seed: int = Field(0, ge=0, le=2**32 - 1, description="Random seed.")
        shuffle: bool = Field(True, description="Shuffle rows before splitting.")

    def infer_schemas(
        self, config: Config, inputs: Schemas, env: SchemaEnv
    ) -> tuple[Schemas, list[ConfigIssue]]:
        schema = inputs.get("table")
        return {"train": schema, "test": schema}, []

    @staticmethod
    def _strata(ctx: StepContext, table: Table) -> pd.Series | None:
        config, target = ctx.config, table.target
        if not config.stratify:
            return None
        if target is None or target not in table.frame.columns:
            ctx.log("the table has no label column; splitting without stratification")
            return None
        if not config.shuffle:
            ctx.log("stratification needs shuffle; splitting in row order", level="warning")
            return None
        labels = table.frame[target]
        if pd.api.types.is_float_dtype(labels) and labels.nunique() > MAX_FLOAT_CLASSES:
            ctx.log(f"label '{target}' looks continuous; splitting without stratification")
            return None
        counts = labels.value_counts(dropna=False)
        if counts.min() < 2:
            rare = json_value(counts.idxmin())
            raise BlockRunError(
                f"cannot stratify on label '{target}': class {rare!r} has only 1 row; "
                "turn stratify off or add rows of that class",
                field="stratify",
                column=target,
            )
        return labels

    def run(self, ctx: StepContext, table: Table) -> dict[str, Table]:
        from sklearn.model_selection import train_test_split  # heavy import, only when run

        config = ctx.config
        strata = self._strata(ctx, table)
        try:
            train, test = train_test_split(
                table.frame,
                test_size=config.test_size,
                random_state=config.seed,
                shuffle=config.shuffle,
                stratify=strata,
            )
        except ValueError as exc:
            fix = "raise test_size or turn stratify off" if strata is not None else "add rows"
            raise BlockRunError(
                f"cannot split {_count(len(table.frame), 'row')}: {exc}; {fix}", field="test_size"
            ) from None
        how = f"stratified on '{table.target}'" if strata is not None else "not stratified"
        ctx.log(f"split {len(table.frame)} rows into {len(train)} train, {len(test)} test ({how})")
        ctx.progress(1.0)
        return {"train": table.with_frame(train), "test": table.with_frame(test)}


class _FitApply(Block):
    """Base of blocks that fit a transform on train, apply it to both tables and record it."""

    family = "feature"
    inputs = {
        "train": TABLE.describe("Rows to fit on"),
        "test": TABLE.optional().describe("Rows transformed with what was fitted on train"),
    }
    outputs = {
        "train": TABLE.describe("The train rows, transformed"),
        "test": TABLE.describe(
            "The test rows, transformed; when test is not wired, no rows and the train "
            "output's columns"
        ),
    }

    def default_column(self, series: pd.Series) -> bool:
        """Whether an empty ``columns`` list includes this (non-label) column."""
        return True

    def check_target(self, config: Any, target: str | None, listed: list[str]) -> None:
        """Refuse a listed label. Override where listing it is harmless."""
        if target is not None and target in listed:
            raise BlockRunError(
                f"column '{target}' is the label; transforming the label is not allowed, "
                "so remove it from 'columns'",
                field="columns",
                column=target,
            )

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        """Fit on the train table's `columns` and log a summary."""
        raise NotImplementedError

    def check_schema(self, config: Any, schema: TableSchema) -> list[ConfigIssue]:
        """Problems visible in the train schema besides missing columns."""
        return []

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        """The output schema for an input schema, or None when it depends on the data."""
        return None

    def infer_schemas(
        self, config: Any, inputs: Schemas, env: SchemaEnv
    ) -> tuple[Schemas, list[ConfigIssue]]:
        train, test = inputs.get("train"), inputs.get("test")
        issues = missing_columns(train, config.columns, field="columns", port="train")
        absent = {issue.column for issue in issues}
        issues += [
            issue
            for issue in missing_columns(test, config.columns, field="columns", port="test")
            if issue.column not in absent
        ]
        if train is not None and not issues:
            issues += self.check_schema(config, train)
        if issues:
            return {"train": None, "test": None}, issues
        train_out = self.output_schema(config, train) if train is not None else None
        if "test" not in inputs:
            return {"train": train_out, "test": train_out}, []
        test_out = self.output_schema(config, test) if test is not None else None
        return {"train": train_out, "test": test_out}, []

    def run(self, ctx: StepContext, train: Table, test: Table | None = None) -> dict[str, Table]:
        listed = list(dict.fromkeys(ctx.config.columns))
        _require(train, listed, port="train")
        if test is not None:
            _require(test, listed, port="test")
        self.check_target(ctx.config, train.target, listed)
        if len(train.frame) == 0:
            raise BlockRunError(
                "the train table has no rows to fit on; check the blocks upstream", port="train"
            )
        columns = listed or [
            c for c in train.feature_columns() if self.default_column(train.frame[c])
        ]
        transform = self.fit(ctx, train, columns)
        train_out = train.with_frame(transform.apply(train.frame), transform)
        if test is None:
            test_out = train_out.with_frame(train_out.frame.iloc[:0].copy())
        else:
            try:
                test_out = test.with_frame(transform.apply(test.frame), transform)
            except BlockRunError as exc:
                exc.place.setdefault("port", "test")
                raise
        ctx.progress(1.0)
        return {"train": train_out, "test": test_out}


def _numbers_only(config: Any, schema: TableSchema) -> list[ConfigIssue]:
    return [
        ConfigIssue(_not_numeric(name, dtype), field="columns", port="train", column=name)
        for name in config.columns
        if (dtype := schema.dtype_of(name)) not in NUMBER_DTYPES
    ]


@register_block
class SelectColumns(_FitApply):
    """Keep or drop columns; the label is always kept."""

    key = "feature.select_columns"
    title = "Select columns"
    example_configs = [
        {"columns": ["sepal length (cm)", "petal length (cm)"]},
        {"columns": ["sepal width (cm)"], "mode": "drop"},
    ]

    class Config(BlockConfig):
        columns: list[str] = Field(
            min_length=1,
            description="Columns to keep or drop.",
            json_schema_extra={"widget": "columns"},
        )
        mode: Literal["keep", "drop"] = Field(
            "keep", description="Keep only the listed columns (and the label), or drop them."
        )

    def check_target(self, config: Any, target: str | None, listed: list[str]) -> None:
        if config.mode == "drop" and target is not None and target in listed:
            raise BlockRunError(
                f"column '{target}' is the label and is always kept; remove it from 'columns'",
                field="columns",
                column=target,
            )

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        listed = set(config.columns)
        if config.mode == "drop":
            return _splice_schema(schema, {name: [] for name in listed})
        # Keeping also keeps the label, which a schema does not name.
        return schema if set(schema.names) <= listed else None

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        mode = ctx.config.mode
        kept = [c for c in columns if c != train.target]
        transform = SelectColumnsTransform(mode, kept, train.target if mode == "keep" else None)
        ctx.log(f"{mode} {_count(len(kept), 'column')}: {', '.join(kept)}")
        return transform


@register_block
class Impute(_FitApply):
    """Fill missing values with a statistic learned on train, or a constant.

    Numbers take the mean, the median or a constant; other columns (text, categories, booleans)
    the most frequent value or a constant. An empty ``columns`` list means every column but the
    label (dates are left alone).
    """

    key = "feature.impute"
    title = "Impute missing values"
    example_configs = [
        {},
        {"columns": ["sepal length (cm)"], "numeric_strategy": "constant", "fill_value": 0},
    ]

    class Config(BlockConfig):
        columns: list[str] = _columns_field("Columns to fill; empty: every column but the label.")
        numeric_strategy: Literal["mean", "median", "constant"] = Field(
            "mean", description="How to fill numeric columns."
        )
        text_strategy: Literal["most_frequent", "constant"] = Field(
            "most_frequent", description="How to fill text, category and boolean columns."
        )
        fill_value: float | str | None = Field(
            None,
            description="The constant for strategy 'constant' (default: 0 for numbers, "
            "'missing' for text).",
        )

    def default_column(self, series: pd.Series) -> bool:
        return not _is_datetime(series)

    @staticmethod
    def _date_message(column: str) -> str:
        return f"column '{column}' is a date; impute fills numbers and text, so unlist it"

    def check_schema(self, config: Any, schema: TableSchema) -> list[ConfigIssue]:
        return [
            ConfigIssue(self._date_message(name), field="columns", port="train", column=name)
            for name in config.columns
            if str(schema.dtype_of(name)).startswith("datetime")
        ]

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        return schema

    @staticmethod
    def _learned(
        frame: pd.DataFrame, columns: list[str], strategy: str, as_numbers: bool
    ) -> list[Any]:
        from sklearn.impute import SimpleImputer  # heavy import, only when run

        _require_observed(frame, columns, "drop it or use a constant strategy")
        if as_numbers:
            values = _floats(frame, columns)
        else:
            values = frame[columns].to_numpy(dtype=object, na_value=np.nan)
        imputer = SimpleImputer(strategy=strategy).fit(values)
        return [json_value(v) for v in imputer.statistics_]

    @staticmethod
    def _constant(config: Any, as_numbers: bool) -> Any:
        value = config.fill_value
        if not as_numbers:
            return "missing" if value is None else str(value)
        try:
            number = 0.0 if value is None else float(value)
        except ValueError:
            number = float("nan")
        if not np.isfinite(number):
            raise BlockRunError(
                f"fill_value {value!r} is not a finite number, but numeric columns are filled "
                "with it; give a number or use strategy 'mean' or 'median'",
                field="fill_value",
            )
        return number

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        config, frame = ctx.config, train.frame
        for column in columns:
            if _is_datetime(frame[column]):
                raise BlockRunError(self._date_message(column), field="columns", column=column)
        values: dict[str, Any] = {}
        for as_numbers, strategy in (
            (True, config.numeric_strategy),
            (False, config.text_strategy),
        ):
            group = [c for c in columns if _is_number(frame[c]) == as_numbers]
            if not group:
                continue
            if strategy == "constant":
                values.update(dict.fromkeys(group, self._constant(config, as_numbers)))
            else:
                learned = self._learned(frame, group, strategy, as_numbers)
                values.update(zip(group, learned, strict=True))
        return ImputeTransform({c: values[c] for c in columns})

    def run(self, ctx: StepContext, train: Table, test: Table | None = None) -> dict[str, Table]:
        outputs = super().run(ctx, train, test)
        transform = outputs["train"].lineage[-1]
        assert isinstance(transform, ImputeTransform)
        tables = [("train", train), ("test", test)]
        total = 0
        for column, value in transform.values.items():
            counts = {p: int(t.frame[column].isna().sum()) for p, t in tables if t is not None}
            total += sum(counts.values())
            if any(counts.values()):
                filled = ", ".join(f"{n} in {p}" for p, n in counts.items())
                ctx.log(f"'{column}': filled {filled} with {value!r}")
        ctx.log(
            f"imputed {_count(len(transform.values), 'column')}, "
            f"{_count(total, 'missing value')} filled"
        )
        return outputs


@register_block
class Scale(_FitApply):
    """Scale numeric columns with statistics learned on train.

    standard: zero mean, unit variance; minmax: onto [0, 1] (over train's range); robust:
    median and interquartile range. A constant column is only centred. Missing values stay
    missing. An empty ``columns`` list means every numeric column but the label.
    """

    key = "feature.scale"
    title = "Scale"
    example_configs = [
        {},
        {"columns": ["sepal length (cm)", "petal width (cm)"], "method": "robust"},
        {"method": "minmax"},
    ]

    class Config(BlockConfig):
        columns: list[str] = _columns_field(
            "Numeric columns to scale; empty: every numeric column but the label."
        )
        method: Literal["standard", "minmax", "robust"] = Field(
            "standard", description="standard (z-score), minmax (0 to 1) or robust (median, IQR)."
        )

    def default_column(self, series: pd.Series) -> bool:
        return _is_number(series)

    def check_schema(self, config: Any, schema: TableSchema) -> list[ConfigIssue]:
        return _numbers_only(config, schema)

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        if config.columns:
            scaled = set(config.columns)
            return TableSchema(
                tuple(Column(c.name, "float64") if c.name in scaled else c for c in schema.columns)
            )
        # Integer columns become floats, unless one is the label, which a schema does not name.
        return None if "int64" in {c.dtype for c in schema.columns} else schema

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        from sklearn import preprocessing  # heavy import, only when run

        method, frame = ctx.config.method, train.frame
        _require_numbers(frame, columns)
        _require_observed(frame, columns, "drop it or fill it first (feature.impute)")
        stats: dict[str, dict[str, float]] = {}
        if columns:
            values = _floats(frame, columns)
            if method == "standard":
                standard = preprocessing.StandardScaler().fit(values)
                center, scale = standard.mean_, standard.scale_
            elif method == "minmax":
                minmax = preprocessing.MinMaxScaler().fit(values)
                center, scale = minmax.data_min_, _nonzero(minmax.data_range_)
            else:
                robust = preprocessing.RobustScaler().fit(values)
                center, scale = robust.center_, robust.scale_
            stats = {
                column: {"center": float(c), "scale": float(s)}
                for column, c, s in zip(columns, center, scale, strict=True)
            }
        ctx.log(
            f"{method} scaling of {_count(len(columns), 'column')}, fitted on {len(frame)} rows"
        )
        return ScaleTransform(method, stats)


@register_block
class OneHot(_FitApply):
    """One-hot encode categorical columns into float columns named ``column=value``.

    Categories are those seen in train, sorted. A missing value is encoded as all zeros; so is a
    value not seen in train, unless handle_unknown is "error". An empty ``columns`` list means
    every text, category and boolean column but the label.
    """

    key = "feature.one_hot"
    title = "One-hot encode"
    example_configs = [{}, {"columns": ["petal width (cm)"], "handle_unknown": "error"}]

    class Config(BlockConfig):
        columns: list[str] = _columns_field(
            "Columns to encode; empty: every non-numeric column but the label."
        )
        max_categories: int = Field(
            50,
            ge=2,
            le=1000,
            description="Refuse a column with more distinct values than this in train.",
        )
        handle_unknown: Literal["ignore", "error"] = Field(
            "ignore", description="A value not seen in train: all zeros (ignore), or fail."
        )

    def default_column(self, series: pd.Series) -> bool:
        return not _is_number(series) and not _is_datetime(series)

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        config, frame = ctx.config, train.frame
        categories: dict[str, list[Any]] = {}
        for column in columns:
            seen = [json_value(v) for v in frame[column].dropna().unique()]
            if len(seen) > config.max_categories:
                raise BlockRunError(
                    f"column '{column}' has {len(seen)} distinct values in train, more than "
                    f"max_categories ({config.max_categories}); raise it or drop the column",
                    field="max_categories",
                    column=column,
                )
            categories[column] = _sorted(seen)
        new = [n for c, cats in categories.items() for n in OneHotTransform.names(c, cats)]
        _refuse_clash(frame, columns, new)
        counts = ", ".join(f"'{c}' ({len(cats)})" for c, cats in categories.items())
        ctx.log(
            f"one-hot encoded {_count(len(columns), 'column')} into {len(new)}: {counts or 'none'}"
        )
        return OneHotTransform(categories, config.handle_unknown)


@register_block
class Pca(_FitApply):
    """Replace numeric columns by their principal components pc1..pcN, learned on train.

    The components take the place of the first replaced column. An empty ``columns`` list means
    every numeric column but the label; columns must have no missing values.
    """

    key = "feature.pca"
    title = "PCA"
    example_configs = [
        {"n_components": 2},
        {
            "columns": ["sepal length (cm)", "sepal width (cm)", "petal length (cm)"],
            "n_components": 3,
            "whiten": True,
        },
    ]

    class Config(BlockConfig):
        columns: list[str] = _columns_field(
            "Numeric columns to combine; empty: every numeric column but the label."
        )
        n_components: int = Field(
            2, ge=1, le=1000, description="Number of components (at most the columns used)."
        )
        whiten: bool = Field(False, description="Scale components to unit variance.")
        seed: int = Field(0, ge=0, le=2**32 - 1, description="Random seed (large inputs).")

    def default_column(self, series: pd.Series) -> bool:
        return _is_number(series)

    @staticmethod
    def _names(config: Any) -> list[str]:
        return [f"pc{i + 1}" for i in range(config.n_components)]

    def check_schema(self, config: Any, schema: TableSchema) -> list[ConfigIssue]:
        issues = _numbers_only(config, schema)
        numeric = [c.name for c in schema.columns if c.dtype in NUMBER_DTYPES]
        available = len(set(config.columns)) if config.columns else len(numeric)
        if config.n_components > available:
            issues.append(
                ConfigIssue(
                    f"n_components is {config.n_components}, but at most {available} numeric "
                    f"columns are combined; lower it to {available} or less",
                    field="n_components",
                    port="train",
                )
            )
        return issues

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        if not config.columns:
            return None  # which numeric column is the label is not in the schema
        replaced = [name for name in schema.names if name in set(config.columns)]
        pcs = [Column(name, "float64") for name in self._names(config)]
        return _splice_schema(schema, {c: pcs if c == replaced[0] else [] for c in replaced})

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        from sklearn.decomposition import PCA  # heavy import, only when run

        config, frame = ctx.config, train.frame
        _require_numbers(frame, columns)
        for limit, what in ((len(columns), "numeric columns to combine"), (len(frame), "rows")):
            if config.n_components > limit:
                raise BlockRunError(
                    f"n_components is {config.n_components}, but train has only {limit} "
                    f"{what}; lower it to {limit} or less",
                    field="n_components",
                )
        values = _floats(frame, columns)
        _no_holes(values, columns)
        _refuse_clash(frame, columns, self._names(config))
        pca = PCA(n_components=config.n_components, whiten=config.whiten, random_state=config.seed)
        pca.fit(values)
        for i, ratio in enumerate(pca.explained_variance_ratio_, start=1):
            ctx.metric("explained_variance_ratio", float(ratio), step=i)
        ctx.log(
            f"pca: {_count(len(columns), 'column')} to {_count(config.n_components, 'component')}, "
            "explaining "
            f"{float(pca.explained_variance_ratio_.sum()):.1%} of the variance"
        )
        return PcaTransform(
            columns=columns,
            mean=pca.mean_.tolist(),
            components=pca.components_.tolist(),
            explained_variance=pca.explained_variance_.tolist(),
            whiten=config.whiten,
        )
