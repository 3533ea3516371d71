import { describe, expect, it } from 'vitest';

import { exampleInstance, exampleValue, predictCurl, shellQuote } from './curlExample';

describe('exampleValue', () => {
  it.each([
    ['float64', 0.5],
    ['int64', 1],
    ['bool', false],
    ['string', 'text'],
    ['category', 'text'],
    ['datetime64[ns]', '2025-01-01T00:00:00'],
    ['object', null],
  ])('gives %s a value predict accepts', (dtype, value) => {
    expect(exampleValue(dtype)).toEqual(value);
  });
});

describe('exampleInstance', () => {
  it('has every signature column, in order', () => {
    const row = exampleInstance([
      { name: 'age', dtype: 'int64' },
      { name: 'plan', dtype: 'category' },
    ]);
    expect(Object.entries(row)).toEqual([
      ['age', 1],
      ['plan', 'text'],
    ]);
  });

  it('stands in a placeholder row when the signature is unknown', () => {
    expect(exampleInstance([])).toEqual({ column: 'value' });
  });
});

describe('shellQuote', () => {
  it('closes and reopens the quotes around a single quote', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('predictCurl', () => {
  const base = { origin: 'https://ml.example.com', slug: 'demo' };

  it('calls the model with the key and a row shaped like its signature', () => {
    const command = predictCurl({
      ...base,
      model: 'iris',
      apiKey: 'trb_1a2b3c4d_secret',
      signature: [{ name: "petal's length", dtype: 'float64' }],
    });
    expect(command).toBe(
      [
        `curl -X POST 'https://ml.example.com/api/v1/workspaces/demo/models/iris/predict/'`,
        `  -H 'Authorization: Api-Key trb_1a2b3c4d_secret'`,
        `  -H 'Content-Type: application/json'`,
        `  -d '{"instances":[{"petal'\\''s length":0.5}]}'`,
      ].join(' \\\n'),
    );
  });

  it('reads the key from the environment and leaves the model to fill in when unknown', () => {
    const command = predictCurl({ ...base, model: null, apiKey: null, signature: [] });
    expect(command).toContain('/models/<model>/predict/');
    expect(command).toContain('-H "Authorization: Api-Key $TRIBUTARY_API_KEY"');
  });
});
