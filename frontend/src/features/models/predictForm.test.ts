import { describe, expect, it } from 'vitest';

import {
  buildInstance,
  emptyValues,
  fieldKind,
  parseVersionChoice,
  rankedProbabilities,
  valuesFromInstance,
} from './predictForm';

const SIGNATURE = [
  { name: 'sepal length (cm)', dtype: 'float64' },
  { name: 'count', dtype: 'int64' },
  { name: 'member', dtype: 'bool' },
  { name: 'city', dtype: 'string' },
];

describe('fieldKind', () => {
  it.each([
    ['float64', 'number'],
    ['float32', 'number'],
    ['int64', 'integer'],
    ['uint8', 'integer'],
    ['Int64', 'integer'],
    ['bool', 'boolean'],
    ['boolean', 'boolean'],
    ['object', 'text'],
    ['string', 'text'],
    ['category', 'text'],
    ['datetime64[ns]', 'text'],
  ])('%s is typed as %s', (dtype, kind) => {
    expect(fieldKind(dtype)).toBe(kind);
  });
});

describe('buildInstance', () => {
  it('turns typed text into JSON values by dtype', () => {
    const { instance, errors } = buildInstance(SIGNATURE, {
      'sepal length (cm)': ' 5.1 ',
      count: '3',
      member: 'true',
      city: ' Lyon',
    });
    expect(errors).toEqual({});
    expect(instance).toEqual({ 'sepal length (cm)': 5.1, count: 3, member: true, city: ' Lyon' });
  });

  it('sends an empty field as a missing value (null)', () => {
    const { instance } = buildInstance(SIGNATURE, emptyValues(SIGNATURE));
    expect(instance).toEqual({ 'sepal length (cm)': null, count: null, member: false, city: null });
  });

  it('says which fields need a number', () => {
    const { errors } = buildInstance(SIGNATURE, {
      ...emptyValues(SIGNATURE),
      'sepal length (cm)': 'abc',
      count: '2.5',
    });
    expect(errors).toEqual({
      'sepal length (cm)': 'sepal length (cm) needs a number',
      count: 'count needs a whole number',
    });
  });
});

describe('valuesFromInstance', () => {
  it('fills the form from an instance, leaving unknown columns out', () => {
    expect(
      valuesFromInstance(SIGNATURE, { 'sepal length (cm)': 5.1, member: true, other: 1 }),
    ).toEqual({ 'sepal length (cm)': '5.1', count: '', member: 'true', city: '' });
  });
});

describe('parseVersionChoice and rankedProbabilities', () => {
  it('reads a version number, or null for the default', () => {
    expect(parseVersionChoice('3')).toBe(3);
    expect(parseVersionChoice('')).toBeNull();
    expect(parseVersionChoice('0')).toBeNull();
  });

  it('sorts classes most likely first', () => {
    expect(rankedProbabilities({ a: 0.2, b: 0.7, c: 0.1 }).map((p) => p.label)).toEqual([
      'b',
      'a',
      'c',
    ]);
    expect(rankedProbabilities(undefined)).toEqual([]);
  });
});
