/** The form controls of a config field, one per kind of field (ConfigForm lays them out). */

import { Link } from 'react-router-dom';

import type { ConfigField } from '../../../graph/configSchema';
import type { TableSchema } from '../../../graph/types';
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

export interface ControlProps<F extends ConfigField = ConfigField> {
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

/** The form control for one field, by its kind. */
export function Control({
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
