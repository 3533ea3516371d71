/**
 * A block's config JSON Schema (as pydantic writes it) read as form fields, and its defaults.
 *
 * Only what the form needs is interpreted: $ref into $defs, optional values (anyOf with null),
 * enums, bounded numbers, strings, lists, and the blocks' "widget" hints.
 */

import type { JsonSchema } from './types';

interface FieldBase {
  /** The config key. */
  name: string;
  /** The schema's title, else the key made readable. */
  label: string;
  description?: string;
  /** Listed in the schema's "required" (no default: the value must be given). */
  required: boolean;
  /** The value may be null ("not set"). */
  nullable: boolean;
  hasDefault: boolean;
  defaultValue?: unknown;
  /** Shown only while each named sibling field's value is one of those listed. */
  shownWhen?: Record<string, unknown[]>;
}

export interface EnumOption {
  value: string | number | boolean;
  label: string;
}

interface Bounds {
  min?: number;
  max?: number;
  exclusiveMin?: number;
  exclusiveMax?: number;
}

interface ListBounds {
  minItems?: number;
  maxItems?: number;
}

/** One field of a config form; `kind` says which control edits it. */
export type ConfigField =
  | (FieldBase & { kind: 'enum'; options: EnumOption[] })
  | (FieldBase & Bounds & { kind: 'number'; integer: boolean })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'text'; minLength?: number; maxLength?: number; pattern?: string })
  | (FieldBase & { kind: 'dataset' })
  | (FieldBase & { kind: 'column' })
  | (FieldBase & ListBounds & { kind: 'columns' })
  | (FieldBase & ListBounds & { kind: 'text-list' })
  | (FieldBase & ListBounds & Bounds & { kind: 'number-list'; integer: boolean })
  | (FieldBase & { kind: 'scalar' })
  | (FieldBase & { kind: 'json' });

export type ConfigFieldKind = ConfigField['kind'];

/** "n_estimators" -> "N estimators". */
export function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function lookup(root: JsonSchema, ref: string): JsonSchema | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match) {
    return undefined;
  }
  const table = match[1] === '$defs' ? root.$defs : root.definitions;
  return table?.[
    decodeURIComponent(match[2] ?? '')
      .replace(/~1/g, '/')
      .replace(/~0/g, '~')
  ];
}

/** `schema` with $ref and single-entry allOf replaced by their target (sibling keys win). */
export function resolveSchema(schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema {
  if (depth > 16) {
    return schema;
  }
  let resolved = schema;
  if (schema.$ref) {
    const target = lookup(root, schema.$ref);
    if (target) {
      const rest = { ...schema };
      delete rest.$ref;
      resolved = { ...resolveSchema(target, root, depth + 1), ...rest };
    }
  }
  if (resolved.allOf && resolved.allOf.length === 1 && resolved.allOf[0]) {
    const rest = { ...resolved };
    delete rest.allOf;
    resolved = { ...resolveSchema(resolved.allOf[0], root, depth + 1), ...rest };
  }
  return resolved;
}

function isNullSchema(schema: JsonSchema): boolean {
  return schema.type === 'null' || (schema.enum?.length === 1 && schema.enum[0] === null);
}

/** The schema without its "or null" alternative, and whether null was allowed. */
function withoutNull(
  schema: JsonSchema,
  root: JsonSchema,
): { schema: JsonSchema; nullable: boolean; variants: JsonSchema[] } {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const variants = alternatives.map((variant) => resolveSchema(variant, root));
    const kept = variants.filter((variant) => !isNullSchema(variant));
    const nullable = kept.length < variants.length;
    const shared = { ...schema };
    delete shared.anyOf;
    delete shared.oneOf;
    if (kept.length === 1 && kept[0]) {
      return { schema: { ...kept[0], ...shared }, nullable, variants: kept };
    }
    return { schema: shared, nullable, variants: kept };
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type) => type !== 'null');
    const nullable = types.length < schema.type.length;
    const type = types.length === 1 ? types[0] : types;
    return { schema: { ...schema, type }, nullable, variants: [] };
  }
  return { schema, nullable: false, variants: [] };
}

function bounds(schema: JsonSchema): Bounds {
  const result: Bounds = {};
  if (typeof schema.minimum === 'number') result.min = schema.minimum;
  if (typeof schema.maximum === 'number') result.max = schema.maximum;
  if (typeof schema.exclusiveMinimum === 'number') result.exclusiveMin = schema.exclusiveMinimum;
  if (typeof schema.exclusiveMaximum === 'number') result.exclusiveMax = schema.exclusiveMaximum;
  return result;
}

function listBounds(schema: JsonSchema): ListBounds {
  const result: ListBounds = {};
  if (typeof schema.minItems === 'number') result.minItems = schema.minItems;
  if (typeof schema.maxItems === 'number') result.maxItems = schema.maxItems;
  return result;
}

function enumOptions(values: unknown[]): EnumOption[] | undefined {
  const options: EnumOption[] = [];
  for (const value of values) {
    if (value === null) {
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return undefined;
    }
    options.push({ value, label: String(value) });
  }
  return options;
}

const isNumberType = (type: unknown) => type === 'number' || type === 'integer';

function classify(
  base: FieldBase,
  schema: JsonSchema,
  variants: JsonSchema[],
  root: JsonSchema,
): ConfigField {
  const widget = schema.widget;
  if (widget === 'dataset') return { ...base, kind: 'dataset' };
  if (widget === 'column') return { ...base, kind: 'column' };
  if (widget === 'columns') return { ...base, kind: 'columns', ...listBounds(schema) };

  const values = schema.enum ?? (schema.const !== undefined ? [schema.const] : undefined);
  const options = values && enumOptions(values);
  if (options) {
    return { ...base, kind: 'enum', options };
  }
  if (variants.length > 1) {
    const scalar = variants.every((v) => v.type === 'string' || isNumberType(v.type));
    return scalar ? { ...base, kind: 'scalar' } : { ...base, kind: 'json' };
  }
  switch (schema.type) {
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'integer':
    case 'number':
      return { ...base, kind: 'number', integer: schema.type === 'integer', ...bounds(schema) };
    case 'string': {
      const field: ConfigField = { ...base, kind: 'text' };
      if (typeof schema.minLength === 'number') field.minLength = schema.minLength;
      if (typeof schema.maxLength === 'number') field.maxLength = schema.maxLength;
      if (typeof schema.pattern === 'string') field.pattern = schema.pattern;
      return field;
    }
    case 'array': {
      const items = resolveSchema(schema.items ?? {}, root);
      if (items.type === 'string') {
        return { ...base, kind: 'text-list', ...listBounds(schema) };
      }
      if (isNumberType(items.type)) {
        return {
          ...base,
          kind: 'number-list',
          integer: items.type === 'integer',
          ...listBounds(schema),
          ...bounds(items),
        };
      }
      return { ...base, kind: 'json' };
    }
    default:
      return { ...base, kind: 'json' };
  }
}

function readShownWhen(value: unknown): Record<string, unknown[]> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const entries = Object.entries(value).filter((entry): entry is [string, unknown[]] =>
    Array.isArray(entry[1]),
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The form fields of a config schema, in the schema's order. */
export function configFields(root: JsonSchema): ConfigField[] {
  const required = new Set(root.required ?? []);
  return Object.entries(root.properties ?? {}).map(([name, raw]) => {
    const { schema, nullable, variants } = withoutNull(resolveSchema(raw, root), root);
    const base: FieldBase = {
      name,
      label: schema.title ?? raw.title ?? humanize(name),
      required: required.has(name),
      nullable,
      hasDefault: 'default' in schema,
    };
    const description = schema.description ?? raw.description;
    if (description) {
      base.description = description;
    }
    if (base.hasDefault) {
      base.defaultValue = schema.default;
    }
    const shownWhen = readShownWhen(schema['x-shown-when'] ?? raw['x-shown-when']);
    if (shownWhen) {
      base.shownWhen = shownWhen;
    }
    return classify(base, schema, variants, root);
  });
}

/** A config holding every default the schema declares (copied, so callers may change it). */
export function defaultConfig(root: JsonSchema): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(root.properties ?? {})) {
    const schema = resolveSchema(raw, root);
    if ('default' in schema) {
      config[name] = structuredClone(schema.default);
    }
  }
  return config;
}

/** The value a field shows: the config's, else the default, else undefined. */
export function fieldValue(config: Record<string, unknown>, field: ConfigField): unknown {
  if (field.name in config) {
    return config[field.name];
  }
  return field.hasDefault ? field.defaultValue : undefined;
}

/**
 * Whether a field applies to `config` ("x-shown-when"): every sibling it names has one of the
 * listed values (its default when not set). A hidden field keeps its value.
 */
export function isFieldShown(
  field: ConfigField,
  fields: readonly ConfigField[],
  config: Record<string, unknown>,
): boolean {
  if (!field.shownWhen) {
    return true;
  }
  return Object.entries(field.shownWhen).every(([name, allowed]) => {
    const sibling = fields.find((candidate) => candidate.name === name);
    const value = sibling ? fieldValue(config, sibling) : config[name];
    return allowed.includes(value);
  });
}
