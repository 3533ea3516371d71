import type { SignatureColumn } from '../../api/models';

/** The environment variable the examples read the key from when the key itself is not shown. */
export const KEY_VARIABLE = 'TRIBUTARY_API_KEY';

/** Stands for the model name in an example for a key that may call every model. */
export const MODEL_PLACEHOLDER = '<model>';

/** A value of the right JSON type for a signature dtype, to fill in an example row. */
export function exampleValue(dtype: string): unknown {
  switch (dtype) {
    case 'float64':
      return 0.5;
    case 'int64':
      return 1;
    case 'bool':
      return false;
    case 'string':
    case 'category':
      return 'text';
    case 'datetime64[ns]':
      return '2025-01-01T00:00:00';
    default:
      return null;
  }
}

/** One request row with every signature column, or a placeholder row when there is none. */
export function exampleInstance(signature: SignatureColumn[]): Record<string, unknown> {
  if (signature.length === 0) {
    return { column: 'value' };
  }
  return Object.fromEntries(signature.map((column) => [column.name, exampleValue(column.dtype)]));
}

/** `text` as one single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export interface PredictCurlOptions {
  /** Where the app is served, e.g. "https://tributary.example.com". */
  origin: string;
  slug: string;
  /** null: any model of the workspace (shown as a placeholder). */
  model: string | null;
  /** null: read from $TRIBUTARY_API_KEY. */
  apiKey: string | null;
  signature: SignatureColumn[];
}

/** A curl command that calls predict with an API key. */
export function predictCurl({
  origin,
  slug,
  model,
  apiKey,
  signature,
}: PredictCurlOptions): string {
  const path = `/api/v1/workspaces/${encodeURIComponent(slug)}/models/${model === null ? MODEL_PLACEHOLDER : encodeURIComponent(model)}/predict/`;
  const authorization =
    apiKey === null
      ? `"Authorization: Api-Key $${KEY_VARIABLE}"`
      : shellQuote(`Authorization: Api-Key ${apiKey}`);
  const body = JSON.stringify({ instances: [exampleInstance(signature)] });
  return [
    `curl -X POST ${shellQuote(`${origin}${path}`)}`,
    `  -H ${authorization}`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(body)}`,
  ].join(' \\\n');
}
