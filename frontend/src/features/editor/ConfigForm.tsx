import { useCallback, useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';

import { configFields, fieldValue, isFieldShown, type ConfigField } from '../../graph/configSchema';
import type { JsonSchema, TableSchema } from '../../graph/types';
import {
  emptyValue,
  formatJson,
  formatList,
  formatNumber,
  formatScalar,
  parseJson,
  parseLines,
  parseNumber,
  parseNumberList,
  parseScalar,
  rangeHint,
} from './configValues';
import { DraftInput, DraftTextarea } from './DraftInput';

export interface DatasetOption {
  id: number;
  name: string;
  rows: number | null;
}

/** The workspace's datasets for the dataset picker. */
export interface DatasetChoices {
  status: 'loading' | 'error' | 'ready';
  options: DatasetOption[];
  /** Where to upload one when there is none. */
  uploadHref?: string;
}

export interface ConfigFormProps {
  schema: JsonSchema;
  config: Record<string, unknown>;
  /** The table the node's column fields pick from; null when it is not known. */
  columns: TableSchema | null;
  /** Why the columns are not known, under column fields while `columns` is null. */
  columnsNote?: string;
  datasets: DatasetChoices;
  /** Validation messages by field name. */
  problems?: Record<string, string[]>;
  readOnly?: boolean;
  onChange: (name: string, value: unknown) => void;
  /**
   * A field holds typed text that cannot be read, so it was not applied (its message), or no
   * longer does (null).
   */
  onUnapplied?: (name: string, message: string | null) => void;
}

interface ControlProps<F extends ConfigField = ConfigField> {
  field: F;
  id: string;
  value: unknown;
  describedBy: string | undefined;
  invalid: boolean;
  readOnly: boolean;
  onChange: (value: unknown) => void;
  onDraftError: (message: string | null) => void;
}

const NOT_SET = '— not set —';

function common(props: ControlProps) {
  return {
    id: props.id,
    name: props.field.name,
    disabled: props.readOnly,
    required: props.field.required,
    'aria-describedby': props.describedBy,
    'aria-invalid': props.invalid || undefined,
  };
}

function EnumSelect({
  options,
  ...props
}: ControlProps & { options: { value: string; label: string }[] }) {
  const { field, value, onChange } = props;
  const current = value === null || value === undefined ? '' : String(value);
  const known = options.some((option) => option.value === current);
  const allowEmpty = field.nullable || current === '';
  return (
    <select
      {...common(props)}
      value={current}
      onChange={(event) => {
        const chosen = event.target.value;
        onChange(chosen === '' ? emptyValue(field) : chosen);
      }}
    >
      {allowEmpty && <option value="">{NOT_SET}</option>}
      {!known && current !== '' && <option value={current}>{current} (not available)</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

function DatasetSelect({ datasets, ...props }: ControlProps & { datasets: DatasetChoices }) {
  const { value, onChange, field } = props;
  if (datasets.status === 'loading') {
    return (
      <select {...common(props)} disabled value="">
        <option value="">Loading datasets…</option>
      </select>
    );
  }
  const current = typeof value === 'number' ? String(value) : '';
  const known = datasets.options.some((dataset) => String(dataset.id) === current);
  return (
    <>
      <select
        {...common(props)}
        value={current}
        onChange={(event) =>
          onChange(event.target.value === '' ? emptyValue(field) : Number(event.target.value))
        }
      >
        <option value="">Choose a dataset…</option>
        {!known && current !== '' && (
          <option value={current}>Dataset #{current} (not found)</option>
        )}
        {datasets.options.map((dataset) => (
          <option key={dataset.id} value={String(dataset.id)}>
            {dataset.name}
            {dataset.rows !== null && ` · ${dataset.rows.toLocaleString('en')} rows`}
          </option>
        ))}
      </select>
      {datasets.status === 'error' && (
        <p className="config-field__error">The workspace&rsquo;s datasets could not be loaded.</p>
      )}
      {datasets.status === 'ready' && datasets.options.length === 0 && (
        <p className="field__hint">
          This workspace has no datasets yet.{' '}
          {datasets.uploadHref && <Link to={datasets.uploadHref}>Upload one</Link>}
        </p>
      )}
    </>
  );
}

function ColumnChecklist({
  columns,
  labelId,
  ...props
}: ControlProps & { columns: TableSchema; labelId: string }) {
  const { value, onChange, readOnly } = props;
  const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
  const names = columns.columns.map((column) => column.name);
  const extra = [...chosen].filter((name) => !names.includes(name));
  function toggle(name: string, on: boolean) {
    const next = new Set(chosen);
    if (on) {
      next.add(name);
    } else {
      next.delete(name);
    }
    onChange([...names, ...extra].filter((candidate) => next.has(candidate)));
  }
  return (
    <div
      role="group"
      id={props.id}
      aria-labelledby={labelId}
      aria-describedby={props.describedBy}
      className="column-checklist"
    >
      {[...columns.columns, ...extra.map((name) => ({ name, dtype: 'not in the input' }))].map(
        (column) => (
          <label key={column.name} className="column-checklist__item">
            <input
              type="checkbox"
              checked={chosen.has(column.name)}
              disabled={readOnly}
              onChange={(event) => toggle(column.name, event.target.checked)}
            />
            <span className="column-checklist__name">{column.name}</span>
            <span className="column-checklist__dtype">
              {column.name === columns.target ? 'label' : column.dtype}
            </span>
          </label>
        ),
      )}
    </div>
  );
}

function TextInput(props: ControlProps<ConfigField & { kind: 'text' | 'column' }>) {
  const { field, value, onChange } = props;
  return (
    <input
      {...common(props)}
      type="text"
      autoComplete="off"
      minLength={field.kind === 'text' ? field.minLength : undefined}
      maxLength={field.kind === 'text' ? field.maxLength : undefined}
      placeholder={field.kind === 'column' ? 'Column name' : undefined}
      value={typeof value === 'string' ? value : ''}
      onChange={(event) => {
        const text = event.target.value;
        onChange(text === '' && !field.required ? emptyValue(field) : text);
      }}
    />
  );
}

function Control({
  columns,
  datasets,
  labelId,
  ...props
}: ControlProps & { columns: TableSchema | null; datasets: DatasetChoices; labelId: string }) {
  const { field, value, onChange } = props;
  switch (field.kind) {
    case 'enum':
      return (
        <EnumSelect
          {...props}
          options={field.options.map((option) => ({
            value: String(option.value),
            label: option.label,
          }))}
          onChange={(chosen) =>
            onChange(
              typeof chosen === 'string'
                ? field.options.find((option) => String(option.value) === chosen)?.value
                : chosen,
            )
          }
        />
      );
    case 'boolean':
      return (
        <input
          {...common(props)}
          required={false}
          type="checkbox"
          checked={value === true}
          onChange={(event) => onChange(event.target.checked)}
        />
      );
    case 'number':
      return (
        <DraftInput
          {...common(props)}
          type="number"
          inputMode={field.integer ? 'numeric' : 'decimal'}
          step={field.integer ? 1 : 'any'}
          min={field.min ?? field.exclusiveMin}
          max={field.max ?? field.exclusiveMax}
          placeholder={
            field.hasDefault && field.defaultValue !== null ? String(field.defaultValue) : undefined
          }
          value={value}
          format={formatNumber}
          parse={parseNumber(field)}
          onCommit={onChange}
          onDraftError={props.onDraftError}
        />
      );
    case 'text':
      return <TextInput {...props} field={field} />;
    case 'dataset':
      return <DatasetSelect {...props} datasets={datasets} />;
    case 'column':
      return columns ? (
        <EnumSelect
          {...props}
          options={columns.columns.map((column) => ({
            value: column.name,
            label: `${column.name} · ${column.name === columns.target ? 'label' : column.dtype}`,
          }))}
        />
      ) : (
        <TextInput {...props} field={field} />
      );
    case 'columns':
      if (columns) {
        return <ColumnChecklist {...props} columns={columns} labelId={labelId} />;
      }
      return (
        <DraftTextarea
          {...common(props)}
          rows={3}
          placeholder="One column per line"
          value={value}
          format={(list) => formatList(list, '\n')}
          parse={parseLines}
          onCommit={onChange}
          onDraftError={props.onDraftError}
        />
      );
    case 'text-list':
      return (
        <DraftTextarea
          {...common(props)}
          rows={3}
          placeholder="One per line"
          value={value}
          format={(list) => formatList(list, '\n')}
          parse={parseLines}
          onCommit={onChange}
          onDraftError={props.onDraftError}
        />
      );
    case 'number-list':
      return (
        <DraftInput
          {...common(props)}
          type="text"
          inputMode="numeric"
          placeholder="e.g. 64, 32"
          value={value}
          format={(list) => formatList(list, ', ')}
          parse={parseNumberList}
          onCommit={onChange}
          onDraftError={props.onDraftError}
        />
      );
    case 'scalar':
      return (
        <DraftInput
          {...common(props)}
          type="text"
          value={value}
          format={formatScalar}
          parse={parseScalar(field)}
          onCommit={onChange}
          onDraftError={props.onDraftError}
        />
      );
    case 'json':
      return (
        <DraftTextarea
          {...common(props)}
          rows={4}
          className="mono"
          value={value}
          format={formatJson}
          parse={parseJson(field)}
          onCommit={onChange}
          onDraftError={props.onDraftError}
        />
      );
  }
}

const COLUMNS_UNKNOWN = 'The input’s columns are not known here yet: type the names.';

function hintFor(field: ConfigField, columnsKnown: boolean, columnsNote: string): string[] {
  const hints: string[] = [];
  if (field.kind === 'dataset') {
    hints.push('One of the datasets uploaded to this workspace.');
  } else if (field.description) {
    hints.push(field.description);
  }
  if (field.kind === 'number' || field.kind === 'number-list') {
    const range = rangeHint(field);
    if (range) {
      hints.push(field.kind === 'number' ? `Range: ${range}.` : `Each ${range}.`);
    }
  }
  if (field.kind === 'number-list') {
    hints.push('Separate values with commas.');
  }
  if ((field.kind === 'column' || field.kind === 'columns') && !columnsKnown) {
    hints.push(columnsNote);
  }
  return hints;
}

function FieldRow({
  field,
  children,
  id,
  labelId,
  hints,
  problems,
  grouped,
}: {
  field: ConfigField;
  children: ReactNode;
  /** The control is a group of checkboxes: the title labels the group, not one input. */
  grouped: boolean;
  id: string;
  labelId: string;
  hints: string[];
  problems: string[] | undefined;
}) {
  const required = field.required && (
    <span className="config-field__required" title="Required">
      <span aria-hidden="true">*</span>
      <span className="visually-hidden">(required)</span>
    </span>
  );
  return (
    <div
      className={`field config-field config-field--${field.kind}${problems ? ' config-field--invalid' : ''}`}
    >
      {field.kind === 'boolean' ? (
        <div className="config-field__checkbox">
          {children}
          <label id={labelId} htmlFor={id}>
            {field.label}
          </label>
        </div>
      ) : (
        <>
          <div className="config-field__head">
            {grouped ? (
              <span id={labelId} className="config-field__label">
                {field.label}
              </span>
            ) : (
              <label id={labelId} htmlFor={id} className="config-field__label">
                {field.label}
              </label>
            )}
            {required}
          </div>
          {children}
        </>
      )}
      {hints.length > 0 && (
        <p id={`${id}-hint`} className="field__hint">
          {hints.join(' ')}
        </p>
      )}
      {problems && (
        <ul id={`${id}-error`} className="config-field__errors">
          {problems.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A block's config as a form generated from its JSON Schema. */
export function ConfigForm({
  schema,
  config,
  columns,
  columnsNote = COLUMNS_UNKNOWN,
  datasets,
  problems = {},
  readOnly = false,
  onChange,
  onUnapplied,
}: ConfigFormProps) {
  const formId = useId();
  const [draftErrors, setDraftErrors] = useState<Readonly<Record<string, string>>>({});
  const reportDraft = useCallback(
    (name: string, message: string | null) => {
      setDraftErrors((now) => {
        if ((now[name] ?? null) === message) {
          return now;
        }
        const next = Object.fromEntries(Object.entries(now).filter(([key]) => key !== name));
        return message === null ? next : { ...next, [name]: message };
      });
      onUnapplied?.(name, message);
    },
    [onUnapplied],
  );
  const fields = configFields(schema);
  if (fields.length === 0) {
    return <p className="muted">This block has no settings.</p>;
  }
  return (
    <div className="config-form">
      {fields.map((field) => {
        if (!isFieldShown(field, fields, config)) {
          return null;
        }
        const id = `${formId}-${field.name}`;
        const labelId = `${id}-label`;
        const hints = hintFor(field, columns !== null, columnsNote);
        const draftError = draftErrors[field.name];
        const fieldProblems = draftError
          ? [`Not applied: ${draftError}`, ...(problems[field.name] ?? [])]
          : problems[field.name];
        const describedBy =
          [hints.length > 0 ? `${id}-hint` : '', fieldProblems ? `${id}-error` : '']
            .filter(Boolean)
            .join(' ') || undefined;
        const value =
          field.kind === 'number' || field.kind === 'text'
            ? config[field.name]
            : fieldValue(config, field);
        return (
          <FieldRow
            key={field.name}
            field={field}
            id={id}
            labelId={labelId}
            hints={hints}
            problems={fieldProblems}
            grouped={field.kind === 'columns' && columns !== null}
          >
            <Control
              field={field}
              id={id}
              labelId={labelId}
              value={value}
              describedBy={describedBy}
              invalid={fieldProblems !== undefined}
              readOnly={readOnly}
              columns={columns}
              datasets={datasets}
              onChange={(next) => onChange(field.name, next)}
              onDraftError={(message) => reportDraft(field.name, message)}
            />
          </FieldRow>
        );
      })}
    </div>
  );
}
