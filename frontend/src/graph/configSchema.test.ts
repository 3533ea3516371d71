import { describe, expect, it } from 'vitest';

import { block } from '../test/blocks';
import {
  configFields,
  defaultConfig,
  fieldValue,
  humanize,
  isFieldShown,
  type ConfigField,
} from './configSchema';
import type { JsonSchema } from './types';

function field(fields: ConfigField[], name: string): ConfigField {
  const found = fields.find((candidate) => candidate.name === name);
  if (!found) {
    throw new Error(`no field ${name}`);
  }
  return found;
}

describe('configFields', () => {
  it('reads enums, bounded numbers, optionals and widgets from a real block', () => {
    const fields = configFields(block('train.sklearn').config_schema);
    expect(fields.map((f) => f.name)).toEqual([
      'algorithm',
      'task',
      'target',
      'C',
      'max_iter',
      'n_estimators',
      'max_depth',
      'learning_rate',
      'alpha',
      'n_neighbors',
      'kernel',
      'seed',
    ]);
    expect(field(fields, 'algorithm')).toMatchObject({
      kind: 'enum',
      label: 'Algorithm',
      required: false,
      nullable: false,
      defaultValue: 'random_forest',
      options: expect.arrayContaining([{ value: 'svm', label: 'svm' }]),
    });
    expect(field(fields, 'n_estimators')).toMatchObject({
      kind: 'number',
      integer: true,
      min: 1,
      max: 5000,
      defaultValue: 100,
    });
    expect(field(fields, 'C')).toMatchObject({ kind: 'number', integer: false, exclusiveMin: 0 });
    expect(field(fields, 'max_depth')).toMatchObject({
      kind: 'number',
      integer: true,
      nullable: true,
      min: 1,
      max: 1000,
      defaultValue: null,
      label: 'Max Depth',
    });
    expect(field(fields, 'target')).toMatchObject({ kind: 'column', nullable: true });
  });

  it('reads the dataset widget, required fields and booleans', () => {
    expect(configFields(block('ingest.dataset').config_schema)[0]).toMatchObject({
      name: 'dataset',
      kind: 'dataset',
      required: true,
      hasDefault: false,
    });
    expect(field(configFields(block('feature.split').config_schema), 'stratify')).toMatchObject({
      kind: 'boolean',
      defaultValue: true,
    });
  });

  it('reads lists of columns, of numbers, and values of several types', () => {
    expect(configFields(block('feature.select_columns').config_schema)[0]).toMatchObject({
      kind: 'columns',
      required: true,
      minItems: 1,
    });
    expect(configFields(block('train.torch_mlp').config_schema)).toContainEqual(
      expect.objectContaining({
        name: 'hidden_layers',
        kind: 'number-list',
        integer: true,
        min: 1,
        max: 4096,
        minItems: 1,
        maxItems: 16,
      }),
    );
    expect(field(configFields(block('feature.impute').config_schema), 'fill_value')).toMatchObject({
      kind: 'scalar',
      nullable: true,
    });
    expect(field(configFields(block('publish.model').config_schema), 'name')).toMatchObject({
      kind: 'text',
      required: true,
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
    });
  });

  it('has no fields for a block without configuration', () => {
    expect(configFields(block('evaluate.classification').config_schema)).toEqual([]);
  });

  it('follows $ref into $defs (Literal types), with sibling keys winning', () => {
    const schema: JsonSchema = {
      $defs: { Method: { enum: ['a', 'b'], type: 'string', title: 'Method' } },
      properties: {
        method: { $ref: '#/$defs/Method', default: 'b', description: 'How.' },
        other: { allOf: [{ $ref: '#/$defs/Method' }], title: 'Other one' },
        maybe: { anyOf: [{ $ref: '#/$defs/Method' }, { type: 'null' }], default: null },
        free: { type: ['string', 'null'] },
        odd: { type: 'object' },
      },
    };
    const fields = configFields(schema);
    expect(field(fields, 'method')).toMatchObject({
      kind: 'enum',
      label: 'Method',
      description: 'How.',
      defaultValue: 'b',
      options: [
        { value: 'a', label: 'a' },
        { value: 'b', label: 'b' },
      ],
    });
    expect(field(fields, 'other')).toMatchObject({ kind: 'enum', label: 'Other one' });
    expect(field(fields, 'maybe')).toMatchObject({ kind: 'enum', nullable: true });
    expect(field(fields, 'free')).toMatchObject({ kind: 'text', nullable: true, label: 'Free' });
    expect(field(fields, 'odd')).toMatchObject({ kind: 'json' });
  });
});

describe('defaultConfig', () => {
  it('holds every declared default, and nothing for required fields', () => {
    expect(defaultConfig(block('feature.split').config_schema)).toEqual({
      test_size: 0.25,
      stratify: true,
      seed: 0,
      shuffle: true,
    });
    expect(defaultConfig(block('ingest.dataset').config_schema)).toEqual({ target: null });
    expect(defaultConfig(block('publish.model').config_schema)).toEqual({
      metric: null,
      threshold: null,
      direction: 'higher',
    });
  });

  it('copies list defaults', () => {
    const schema = block('train.torch_mlp').config_schema;
    const first = defaultConfig(schema);
    (first.hidden_layers as number[]).push(1);
    expect(defaultConfig(schema).hidden_layers).toEqual([64, 64]);
  });
});

describe('fieldValue', () => {
  it('shows the config value, else the default', () => {
    const fields = configFields(block('feature.scale').config_schema);
    expect(fieldValue({ method: 'robust' }, field(fields, 'method'))).toBe('robust');
    expect(fieldValue({}, field(fields, 'method'))).toBe('standard');
    expect(fieldValue({}, field(fields, 'columns'))).toBeUndefined();
  });
});

describe('humanize', () => {
  it('makes a key readable', () => {
    expect(humanize('n_estimators')).toBe('N estimators');
  });
});

describe('isFieldShown', () => {
  const schema: JsonSchema = {
    properties: {
      algorithm: { type: 'string', enum: ['svm', 'knn', 'ridge'], default: 'knn' },
      kernel: { type: 'string', 'x-shown-when': { algorithm: ['svm'] } },
      k: { type: 'integer', 'x-shown-when': { algorithm: ['knn'], weights: [true] } },
      weights: { type: 'boolean', default: true },
      broken: { type: 'number', 'x-shown-when': 'svm' } as unknown as JsonSchema,
    },
  };
  const fields = configFields(schema);
  const field = (name: string): ConfigField => {
    const found = fields.find((candidate) => candidate.name === name);
    if (!found) {
      throw new Error(`no field ${name}`);
    }
    return found;
  };

  it('reads x-shown-when, ignoring a malformed one', () => {
    expect(field('kernel').shownWhen).toEqual({ algorithm: ['svm'] });
    expect(field('broken').shownWhen).toBeUndefined();
  });

  it('shows a field when every named sibling has a listed value, defaults counting', () => {
    expect(isFieldShown(field('kernel'), fields, { algorithm: 'svm' })).toBe(true);
    expect(isFieldShown(field('kernel'), fields, { algorithm: 'knn' })).toBe(false);
    expect(isFieldShown(field('kernel'), fields, {})).toBe(false);
    expect(isFieldShown(field('k'), fields, {})).toBe(true);
    expect(isFieldShown(field('k'), fields, { weights: false })).toBe(false);
    expect(isFieldShown(field('algorithm'), fields, {})).toBe(true);
    expect(isFieldShown(field('broken'), fields, {})).toBe(true);
  });
});
