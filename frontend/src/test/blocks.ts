/** The block catalogue as GET /api/v1/blocks/ serves it, for tests. */

import type { BlockSpec } from '../graph/types';
import { catalogueOf } from '../graph/types';

export const BLOCKS: BlockSpec[] = [
  {
    key: 'ingest.dataset',
    version: 1,
    title: 'Dataset',
    description:
      "Read an uploaded dataset (CSV or Parquet) from this workspace.\n\nThe table has the dataset's columns and dtypes as shown on its page.",
    family: 'ingest',
    queue: 'cpu',
    inputs: [],
    outputs: [{ name: 'table', type: 'table', required: true, description: "The dataset's rows" }],
    config_schema: {
      additionalProperties: false,
      properties: {
        dataset: {
          description: 'Id of an uploaded dataset in this workspace.',
          title: 'Dataset',
          type: 'integer',
          widget: 'dataset',
        },
        target: {
          anyOf: [{ type: 'string' }, { type: 'null' }],
          default: null,
          description: 'The label column, if the table has one.',
          title: 'Target',
          widget: 'column',
        },
      },
      required: ['dataset'],
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'ingest.sample',
    version: 1,
    title: 'Sample dataset',
    description:
      'A bundled sample dataset: iris, wine, breast_cancer, diabetes or digits.\n\nThe label is the ``target`` column (a class index, or a number for diabetes).',
    family: 'ingest',
    queue: 'cpu',
    inputs: [],
    outputs: [
      {
        name: 'table',
        type: 'table',
        required: true,
        description: "The sample's rows, label in 'target'",
      },
    ],
    config_schema: {
      additionalProperties: false,
      properties: {
        name: {
          default: 'iris',
          description: 'Which bundled dataset.',
          enum: ['iris', 'wine', 'breast_cancer', 'diabetes', 'digits'],
          title: 'Name',
          type: 'string',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'ingest.synthetic',
    version: 1,
    title: 'Synthetic data',
    description:
      'Generate a synthetic classification or regression table (features f0..fN, target).\n\nDeterministic for a given seed; useful for trying blocks and for benchmarks.',
    family: 'ingest',
    queue: 'cpu',
    inputs: [],
    outputs: [
      {
        name: 'table',
        type: 'table',
        required: true,
        description: "Generated rows, label in 'target'",
      },
    ],
    config_schema: {
      additionalProperties: false,
      properties: {
        task: {
          default: 'classification',
          enum: ['classification', 'regression'],
          title: 'Task',
          type: 'string',
        },
        rows: {
          default: 1000,
          description: 'Number of rows.',
          maximum: 5000000,
          minimum: 10,
          title: 'Rows',
          type: 'integer',
        },
        features: {
          default: 10,
          description: 'Number of feature columns.',
          maximum: 1000,
          minimum: 1,
          title: 'Features',
          type: 'integer',
        },
        informative: {
          anyOf: [{ minimum: 1, type: 'integer' }, { type: 'null' }],
          default: null,
          description: 'Informative features (default: half, at least 1).',
          title: 'Informative',
        },
        classes: {
          default: 2,
          description: 'Classes (classification only).',
          maximum: 50,
          minimum: 2,
          title: 'Classes',
          type: 'integer',
        },
        noise: {
          default: 0.1,
          description: 'Label noise.',
          maximum: 100.0,
          minimum: 0.0,
          title: 'Noise',
          type: 'number',
        },
        seed: {
          default: 0,
          description: 'Random seed.',
          minimum: 0,
          title: 'Seed',
          type: 'integer',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'feature.impute',
    version: 1,
    title: 'Impute missing values',
    description:
      'Fill missing values with a statistic learned on train, or a constant.\n\nNumbers take the mean, the median or a constant; other columns (text, categories, booleans)\nthe most frequent value or a constant. An empty ``columns`` list means every column but the\nlabel (dates are left alone).',
    family: 'feature',
    queue: 'cpu',
    inputs: [
      { name: 'train', type: 'table', required: true, description: 'Rows to fit on' },
      {
        name: 'test',
        type: 'table',
        required: false,
        description: 'Rows transformed with what was fitted on train',
      },
    ],
    outputs: [
      { name: 'train', type: 'table', required: true, description: 'The train rows, transformed' },
      {
        name: 'test',
        type: 'table',
        required: true,
        description:
          "The test rows, transformed; when test is not wired, no rows and the train output's columns",
      },
    ],
    config_schema: {
      additionalProperties: false,
      properties: {
        columns: {
          description: 'Columns to fill; empty: every column but the label.',
          items: { type: 'string' },
          title: 'Columns',
          type: 'array',
          widget: 'columns',
        },
        numeric_strategy: {
          default: 'mean',
          description: 'How to fill numeric columns.',
          enum: ['mean', 'median', 'constant'],
          title: 'Numeric Strategy',
          type: 'string',
        },
        text_strategy: {
          default: 'most_frequent',
          description: 'How to fill text, category and boolean columns.',
          enum: ['most_frequent', 'constant'],
          title: 'Text Strategy',
          type: 'string',
        },
        fill_value: {
          anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'null' }],
          default: null,
          description:
            "The constant for strategy 'constant' (default: 0 for numbers, 'missing' for text).",
          title: 'Fill Value',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'feature.one_hot',
    version: 1,
    title: 'One-hot encode',
    description:
      'One-hot encode categorical columns into float columns named ``column=value``.\n\nCategories are those seen in train, sorted. A missing value is encoded as all zeros; so is a\nvalue not seen in train, unless handle_unknown is "error". An empty ``columns`` list means\nevery text, category and boolean column but the label.',
    family: 'feature',
    queue: 'cpu',
    inputs: [
      { name: 'train', type: 'table', required: true, description: 'Rows to fit on' },
      {
        name: 'test',
        type: 'table',
        required: false,
        description: 'Rows transformed with what was fitted on train',
      },
    ],
    outputs: [
      { name: 'train', type: 'table', required: true, description: 'The train rows, transformed' },
      {
        name: 'test',
        type: 'table',
        required: true,
        description:
          "The test rows, transformed; when test is not wired, no rows and the train output's columns",
      },
    ],
    config_schema: {
      additionalProperties: false,
      properties: {
        columns: {
          description: 'Columns to encode; empty: every non-numeric column but the label.',
          items: { type: 'string' },
          title: 'Columns',
          type: 'array',
          widget: 'columns',
        },
        max_categories: {
          default: 50,
          description: 'Refuse a column with more distinct values than this in train.',
          maximum: 1000,
          minimum: 2,
          title: 'Max Categories',
          type: 'integer',
        },
        handle_unknown: {
          default: 'ignore',
          description: 'A value not seen in train: all zeros (ignore), or fail.',
          enum: ['ignore', 'error'],
          title: 'Handle Unknown',
          type: 'string',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'feature.pca',
    version: 1,
    title: 'PCA',
    description:
      'Replace numeric columns by their principal components pc1..pcN, learned on train.\n\nThe components take the place of the first replaced column. An empty ``columns`` list means\nevery numeric column but the label; columns must have no missing values.',
    family: 'feature',
    queue: 'cpu',
    inputs: [
      { name: 'train', type: 'table', required: true, description: 'Rows to fit on' },
      {
        name: 'test',
        type: 'table',
        required: false,
        description: 'Rows transformed with what was fitted on train',
      },
    ],
    outputs: [
      { name: 'train', type: 'table', required: true, description: 'The train rows, transformed' },
      {
        name: 'test',
        type: 'table',
        required: true,
        description:
          "The test rows, transformed; when test is not wired, no rows and the train output's columns",
      },
    ],
    config_schema: {
      additionalProperties: false,
      properties: {
        columns: {
          description: 'Numeric columns to combine; empty: every numeric column but the label.',
          items: { type: 'string' },
          title: 'Columns',
          type: 'array',
          widget: 'columns',
        },
        n_components: {
          default: 2,
          description: 'Number of components (at most the columns used).',
          maximum: 1000,
          minimum: 1,
          title: 'N Components',
          type: 'integer',
        },
        whiten: {
          default: false,
          description: 'Scale components to unit variance.',
          title: 'Whiten',
          type: 'boolean',
        },
        seed: {
          default: 0,
          description: 'Random seed (large inputs).',
          maximum: 4294967295,
          minimum: 0,
          title: 'Seed',
          type: 'integer',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'feature.scale',
    version: 1,
    title: 'Scale',
    description:
      "Scale numeric columns with statistics learned on train.\n\nstandard: zero mean, unit variance; minmax: onto [0, 1] (over train's range); robust:\nmedian and interquartile range. A constant column is only centred. Missing values stay\nmissing. An empty ``columns`` list means every numeric column but the label.",
    family: 'feature',
    queue: 'cpu',
    inputs: [
      { name: 'train', type: 'table', required: true, description: 'Rows to fit on' },
      {
        name: 'test',
        type: 'table',
        required: false,
        description: 'Rows transformed with what was fitted on train',
      },
    ],
    outputs: [
      { name: 'train', type: 'table', required: true, description: 'The train rows, transformed' },
      {
        name: 'test',
        type: 'table',
        required: true,
        description:
          "The test rows, transformed; when test is not wired, no rows and the train output's columns",
      },
    ],
    config_schema: {
      additionalProperties: false,
      properties: {
        columns: {
          description: 'Numeric columns to scale; empty: every numeric column but the label.',
          items: { type: 'string' },
          title: 'Columns',
          type: 'array',
          widget: 'columns',
        },
        method: {
          default: 'standard',
          description: 'standard (z-score), minmax (0 to 1) or robust (median, IQR).',
          enum: ['standard', 'minmax', 'robust'],
          title: 'Method',
          type: 'string',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'feature.select_columns',
    version: 1,
    title: 'Select columns',
    description: 'Keep or drop columns; the label is always kept.',
    family: 'feature',
    queue: 'cpu',
    inputs: [
      { name: 'train', type: 'table', required: true, description: 'Rows to fit on' },
      {
        name: 'test',
        type: 'table',
        required: false,
        description: 'Rows transformed with what was fitted on train',
      },
    ],
    outputs: [
      { name: 'train', type: 'table', required: true, description: 'The train rows, transformed' },
      {
        name: 'test',
        type: 'table',
        required: true,
        description:
          "The test rows, transformed; when test is not wired, no rows and the train output's columns",
      },
    ],
    config_schema: {
      additionalProperties: false,
      properties: {
        columns: {
          description: 'Columns to keep or drop.',
          items: { type: 'string' },
          minItems: 1,
          title: 'Columns',
          type: 'array',
          widget: 'columns',
        },
        mode: {
          default: 'keep',
          description: 'Keep only the listed columns (and the label), or drop them.',
          enum: ['keep', 'drop'],
          title: 'Mode',
          type: 'string',
        },
      },
      required: ['columns'],
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'feature.split',
    version: 1,
    title: 'Train/test split',
    description:
      "Split rows at random into train and test tables, keeping class proportions.\n\nStratifies on the label when the table has one that looks like classes (not a float with\nmany distinct values). Results equal scikit-learn's train_test_split with the same seed.",
    family: 'feature',
    queue: 'cpu',
    inputs: [{ name: 'table', type: 'table', required: true, description: 'Rows to split' }],
    outputs: [
      { name: 'train', type: 'table', required: true, description: 'Rows to fit on' },
      { name: 'test', type: 'table', required: true, description: 'Held-out rows to evaluate on' },
    ],
    config_schema: {
      additionalProperties: false,
      properties: {
        test_size: {
          default: 0.25,
          description: 'Fraction of rows for test.',
          maximum: 0.95,
          minimum: 0.05,
          title: 'Test Size',
          type: 'number',
        },
        stratify: {
          default: true,
          description:
            "Keep the label's class proportions in both tables (classification labels only; ignored without shuffle).",
          title: 'Stratify',
          type: 'boolean',
        },
        seed: {
          default: 0,
          description: 'Random seed.',
          maximum: 4294967295,
          minimum: 0,
          title: 'Seed',
          type: 'integer',
        },
        shuffle: {
          default: true,
          description: 'Shuffle rows before splitting.',
          title: 'Shuffle',
          type: 'boolean',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'train.sklearn',
    version: 1,
    title: 'Train (scikit-learn)',
    description:
      "Train a scikit-learn model (linear, tree ensembles, SVM, k-NN) on every non-target column.\n\nClassification or regression; the target is the table's label unless set here. Settings\nthat do not apply to the chosen algorithm are ignored.",
    family: 'train',
    queue: 'cpu',
    inputs: [
      {
        name: 'train',
        type: 'table',
        required: true,
        description: 'Training rows: numeric features and the target',
      },
    ],
    outputs: [{ name: 'model', type: 'model', required: true, description: 'The fitted model' }],
    config_schema: {
      additionalProperties: false,
      properties: {
        algorithm: {
          default: 'random_forest',
          description: 'Which estimator to fit.',
          enum: [
            'logistic_regression',
            'linear_regression',
            'ridge',
            'random_forest',
            'hist_gradient_boosting',
            'svm',
            'knn',
          ],
          title: 'Algorithm',
          type: 'string',
        },
        task: {
          default: 'auto',
          description:
            'What to predict. auto: classification for bool, text or integer targets (or floats with a few whole-number values), regression for other floats.',
          enum: ['auto', 'classification', 'regression'],
          title: 'Task',
          type: 'string',
        },
        target: {
          anyOf: [{ type: 'string' }, { type: 'null' }],
          default: null,
          description: "The label column; empty: the table's target (set in the ingest block).",
          title: 'Target',
          widget: 'column',
        },
        C: {
          default: 1.0,
          description: 'Inverse regularisation (logistic_regression, svm).',
          exclusiveMinimum: 0,
          maximum: 1000000.0,
          title: 'C',
          type: 'number',
          'x-shown-when': { algorithm: ['logistic_regression', 'svm'] },
        },
        max_iter: {
          default: 1000,
          description: 'Solver iterations (logistic_regression).',
          maximum: 100000,
          minimum: 1,
          title: 'Max Iter',
          type: 'integer',
          'x-shown-when': { algorithm: ['logistic_regression'] },
        },
        n_estimators: {
          default: 100,
          description: 'Trees (random_forest) or boosting rounds (hist_gradient_boosting).',
          maximum: 5000,
          minimum: 1,
          title: 'N Estimators',
          type: 'integer',
          'x-shown-when': { algorithm: ['random_forest', 'hist_gradient_boosting'] },
        },
        max_depth: {
          anyOf: [{ maximum: 1000, minimum: 1, type: 'integer' }, { type: 'null' }],
          default: null,
          description:
            'Tree depth limit; empty: unlimited (random_forest, hist_gradient_boosting).',
          title: 'Max Depth',
          'x-shown-when': { algorithm: ['random_forest', 'hist_gradient_boosting'] },
        },
        learning_rate: {
          default: 0.1,
          description: 'Boosting step size (hist_gradient_boosting).',
          exclusiveMinimum: 0,
          maximum: 10,
          title: 'Learning Rate',
          type: 'number',
          'x-shown-when': { algorithm: ['hist_gradient_boosting'] },
        },
        alpha: {
          default: 1.0,
          description: 'L2 regularisation (ridge).',
          maximum: 1000000.0,
          minimum: 0,
          title: 'Alpha',
          type: 'number',
          'x-shown-when': { algorithm: ['ridge'] },
        },
        n_neighbors: {
          default: 5,
          description: 'Neighbours consulted (knn).',
          maximum: 1000,
          minimum: 1,
          title: 'N Neighbors',
          type: 'integer',
          'x-shown-when': { algorithm: ['knn'] },
        },
        kernel: {
          default: 'rbf',
          description: 'Kernel (svm).',
          enum: ['rbf', 'linear', 'poly', 'sigmoid'],
          title: 'Kernel',
          type: 'string',
          'x-shown-when': { algorithm: ['svm'] },
        },
        seed: {
          default: 0,
          description: 'Random seed: the same seed, the same model.',
          maximum: 4294967295,
          minimum: 0,
          title: 'Seed',
          type: 'integer',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'train.torch_mlp',
    version: 1,
    title: 'Train neural network (MLP)',
    description:
      'Train a multi-layer perceptron with PyTorch (on a GPU when the worker has one).\n\nFeatures are used as they come: scale them upstream (feature.scale) for best results.\nReports loss and validation scores every epoch; early stopping keeps the best epoch.',
    family: 'train',
    queue: 'gpu',
    inputs: [
      {
        name: 'train',
        type: 'table',
        required: true,
        description: 'Training rows: numeric features and the target',
      },
    ],
    outputs: [{ name: 'model', type: 'model', required: true, description: 'The trained network' }],
    config_schema: {
      additionalProperties: false,
      properties: {
        task: {
          default: 'auto',
          description:
            'What to predict. auto: classification for bool, text or integer targets (or floats with a few whole-number values), regression for other floats.',
          enum: ['auto', 'classification', 'regression'],
          title: 'Task',
          type: 'string',
        },
        target: {
          anyOf: [{ type: 'string' }, { type: 'null' }],
          default: null,
          description: "The label column; empty: the table's target (set in the ingest block).",
          title: 'Target',
          widget: 'column',
        },
        hidden_layers: {
          default: [64, 64],
          description: 'Width of each hidden layer.',
          items: { maximum: 4096, minimum: 1, type: 'integer' },
          maxItems: 16,
          minItems: 1,
          title: 'Hidden Layers',
          type: 'array',
        },
        epochs: {
          default: 50,
          description: 'Passes over the training rows.',
          maximum: 10000,
          minimum: 1,
          title: 'Epochs',
          type: 'integer',
        },
        batch_size: {
          default: 64,
          description: 'Rows per gradient step.',
          maximum: 65536,
          minimum: 1,
          title: 'Batch Size',
          type: 'integer',
        },
        learning_rate: {
          default: 0.001,
          description: 'Adam step size.',
          exclusiveMinimum: 0,
          maximum: 10,
          title: 'Learning Rate',
          type: 'number',
        },
        weight_decay: {
          default: 0.0,
          description: 'Decoupled weight decay.',
          maximum: 1,
          minimum: 0,
          title: 'Weight Decay',
          type: 'number',
        },
        validation_fraction: {
          default: 0.2,
          description: 'Share of rows held out to score each epoch.',
          maximum: 0.5,
          minimum: 0,
          title: 'Validation Fraction',
          type: 'number',
        },
        early_stopping_patience: {
          default: 0,
          description:
            'Stop after this many epochs without a better validation loss and keep the best weights; 0: off.',
          maximum: 10000,
          minimum: 0,
          title: 'Early Stopping Patience',
          type: 'integer',
        },
        seed: {
          default: 0,
          description: 'Random seed: the same seed, the same model.',
          maximum: 4294967295,
          minimum: 0,
          title: 'Seed',
          type: 'integer',
        },
      },
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'evaluate.classification',
    version: 1,
    title: 'Evaluate classifier',
    description:
      'Score a classifier on a test table: accuracy, precision, recall, F1, ROC AUC.\n\nAlso draws the confusion matrix and the ROC curves. With two classes, precision, recall\nand F1 are those of the positive class (the second label in sorted order); with more, the\nmacro average. ROC AUC is one-vs-rest macro for more than two classes, and left out when\nthe model has no probabilities (svm, ridge) or a class is missing from the test rows.',
    family: 'evaluate',
    queue: 'cpu',
    inputs: [
      { name: 'model', type: 'model', required: true, description: 'A classification model' },
      {
        name: 'test',
        type: 'table',
        required: true,
        description: 'Held-out rows, through the same feature blocks as training',
      },
    ],
    outputs: [
      {
        name: 'metrics',
        type: 'metrics',
        required: true,
        description: 'accuracy, precision, recall, f1, roc_auc, n_test',
      },
      {
        name: 'confusion_matrix',
        type: 'figure',
        required: true,
        description: 'Actual against predicted labels',
      },
      {
        name: 'roc_curve',
        type: 'figure',
        required: true,
        description: 'True against false positive rate per class',
      },
    ],
    config_schema: {
      additionalProperties: false,
      description: 'No configuration.',
      properties: {},
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'evaluate.regression',
    version: 1,
    title: 'Evaluate regressor',
    description:
      'Score a regression model on a test table: RMSE, MAE and R².\n\nAlso draws the residuals (actual minus predicted) against the predictions.',
    family: 'evaluate',
    queue: 'cpu',
    inputs: [
      { name: 'model', type: 'model', required: true, description: 'A regression model' },
      {
        name: 'test',
        type: 'table',
        required: true,
        description: 'Held-out rows, through the same feature blocks as training',
      },
    ],
    outputs: [
      { name: 'metrics', type: 'metrics', required: true, description: 'rmse, mae, r2, n_test' },
      {
        name: 'residuals',
        type: 'figure',
        required: true,
        description: 'Residual against predicted value',
      },
    ],
    config_schema: {
      additionalProperties: false,
      description: 'No configuration.',
      properties: {},
      title: 'Config',
      type: 'object',
    },
  },
  {
    key: 'publish.model',
    version: 1,
    title: 'Publish model',
    description:
      'Register the model as the next version of a named model, optionally behind a metric gate.\n\nWith a gate (a metric, a threshold and a direction), the model is published only when the\nmetric from the wired metrics input reaches the threshold (at or above it for "higher", at\nor below for "lower"); otherwise the step still succeeds, and its log says why nothing was\npublished. The registered version keeps the metrics it was published with.',
    family: 'publish',
    queue: 'cpu',
    inputs: [
      { name: 'model', type: 'model', required: true, description: 'The model to register' },
      {
        name: 'metrics',
        type: 'metrics',
        required: false,
        description: 'Metrics to gate on and to keep with the version',
      },
    ],
    outputs: [],
    config_schema: {
      additionalProperties: false,
      properties: {
        name: {
          description:
            "Registry name: letters, digits, '_', '.', '-'; starts with a letter or digit. Each publish adds a version.",
          maxLength: 100,
          minLength: 1,
          pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
          title: 'Name',
          type: 'string',
        },
        metric: {
          anyOf: [{ maxLength: 100, minLength: 1, type: 'string' }, { type: 'null' }],
          default: null,
          description: 'Gate on this metric (e.g. accuracy, rmse); needs the metrics input.',
          title: 'Metric',
        },
        threshold: {
          anyOf: [{ type: 'number' }, { type: 'null' }],
          default: null,
          description: 'Value the metric must reach to publish.',
          title: 'Threshold',
        },
        direction: {
          default: 'higher',
          description: 'higher: publish at or above the threshold; lower: at or below.',
          enum: ['higher', 'lower'],
          title: 'Direction',
          type: 'string',
        },
      },
      required: ['name'],
      title: 'Config',
      type: 'object',
    },
  },
];

export const CATALOGUE = catalogueOf(BLOCKS);

/** The catalogue entry for `key` (throws for an unknown key, which is a mistake in a test). */
export function block(key: string): BlockSpec {
  const spec = CATALOGUE.get(key);
  if (!spec) {
    throw new Error(`no block ${key} in the test catalogue`);
  }
  return spec;
}
