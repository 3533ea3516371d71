/** The "try it" form: one input per signature column, and its values turned into an instance. */

import type { SignatureColumn } from '../../api/models';

export type FieldKind = 'number' | 'integer' | 'boolean' | 'text';

/** How a column of this dtype is typed in: pandas/numpy dtype names as the API reports them. */
export function fieldKind(dtype: string): FieldKind {
  const lower = dtype.toLowerCase();
  if (lower.startsWith('bool')) {
    return 'boolean';
  }
  if (/^u?int\d*$/.test(lower) || lower === 'int') {
    return 'integer';
  }
  if (lower.startsWith('float') || lower === 'double' || lower === 'number') {
    return 'number';
  }
  return 'text';
}

export type FormValues = Record<string, string>;

/** Empty values for every column (booleans start false). */
export function emptyValues(signature: SignatureColumn[]): FormValues {
  return Object.fromEntries(
    signature.map((column) => [column.name, fieldKind(column.dtype) === 'boolean' ? 'false' : '']),
  );
}

/** Values to fill the form with from a JSON instance (e.g. one row of a sample). */
export function valuesFromInstance(
  signature: SignatureColumn[],
  instance: Record<string, unknown>,
): FormValues {
  const values = emptyValues(signature);
  for (const column of signature) {
    const value = instance[column.name];
    if (value !== undefined && value !== null) {
      values[column.name] = String(value);
    }
  }
  return values;
}

export interface BuiltInstance {
  instance: Record<string, unknown>;
  /** Column name -> what is wrong with its value. */
  errors: Record<string, string>;
}

/**
 * The instance predict gets: numbers as numbers, booleans as booleans, text as typed, and an
 * empty field as null (a missing value, which the model's imputation may handle).
 */
export function buildInstance(signature: SignatureColumn[], values: FormValues): BuiltInstance {
  const instance: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const column of signature) {
    const raw = (values[column.name] ?? '').trim();
    const kind = fieldKind(column.dtype);
    if (kind === 'boolean') {
      instance[column.name] = raw === 'true';
      continue;
    }
    if (raw === '') {
      instance[column.name] = null;
      continue;
    }
    if (kind === 'text') {
      instance[column.name] = values[column.name];
      continue;
    }
    const number = Number(raw);
    if (!Number.isFinite(number)) {
      errors[column.name] = `${column.name} needs a number`;
    } else if (kind === 'integer' && !Number.isInteger(number)) {
      errors[column.name] = `${column.name} needs a whole number`;
    } else {
      instance[column.name] = number;
    }
  }
  return { instance, errors };
}

/** The version predict should use: a number, or null for the API's default (production, else latest). */
export function parseVersionChoice(value: string): number | null {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : null;
}

/** Class probabilities sorted most likely first. */
export function rankedProbabilities(probabilities: Record<string, number> | undefined) {
  return Object.entries(probabilities ?? {})
    .map(([label, probability]) => ({ label, probability }))
    .sort((a, b) => b.probability - a.probability);
}
