/** Turning a config field's value into text for a form control, and typed text back. */

import type { ConfigField } from '../../../graph/configSchema';
import type { Parsed } from './DraftInput';

function fail(error: string): Parsed<never> {
  return { ok: false, error };
}

/** What an emptied field means: null where allowed, else "no value" (the default applies). */
export function emptyValue(field: ConfigField): null | undefined {
  return field.nullable ? null : undefined;
}

export function formatNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : '';
}

export function parseNumber(field: ConfigField & { kind: 'number' }) {
  return (text: string): Parsed<unknown> => {
    const trimmed = text.trim();
    if (trimmed === '') {
      return { ok: true, value: emptyValue(field) };
    }
    const value = Number(trimmed);
    return Number.isFinite(value) ? { ok: true, value } : fail('This is not a number.');
  };
}

export function formatList(value: unknown, separator: string): string {
  return Array.isArray(value) ? value.map(String).join(separator) : '';
}

/** One entry per line; blank lines are ignored. */
export function parseLines(text: string): Parsed<unknown> {
  return {
    ok: true,
    value: text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  };
}

/** Numbers separated by commas or spaces ("64, 64"); the first entry that is not one fails. */
export function parseNumberList(text: string): Parsed<unknown> {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  const bad = parts.find((_, index) => !Number.isFinite(values[index]));
  return bad === undefined
    ? { ok: true, value: values }
    : fail(`“${bad}” is not a number: separate numbers with commas.`);
}

export function formatScalar(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** A number when the text is one, else the text; empty: not set. */
export function parseScalar(field: ConfigField) {
  return (text: string): Parsed<unknown> => {
    const trimmed = text.trim();
    if (trimmed === '') {
      return { ok: true, value: emptyValue(field) };
    }
    const number = Number(trimmed);
    return { ok: true, value: Number.isFinite(number) ? number : text };
  };
}

export function formatJson(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

export function parseJson(field: ConfigField) {
  return (text: string): Parsed<unknown> => {
    if (text.trim() === '') {
      return { ok: true, value: emptyValue(field) };
    }
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      return fail(
        `This is not valid JSON${error instanceof SyntaxError ? `: ${error.message}` : ''}.`,
      );
    }
  };
}

/** The hint under a number field: its range. */
export function rangeHint(field: ConfigField & { kind: 'number' | 'number-list' }): string {
  const low =
    field.min !== undefined
      ? `≥ ${field.min}`
      : field.exclusiveMin !== undefined
        ? `> ${field.exclusiveMin}`
        : '';
  const high =
    field.max !== undefined
      ? `≤ ${field.max}`
      : field.exclusiveMax !== undefined
        ? `< ${field.exclusiveMax}`
        : '';
  return [low, high].filter(Boolean).join(', ');
}
