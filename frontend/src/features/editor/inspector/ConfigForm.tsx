import { useCallback, useId, useState, type ReactNode } from 'react';

import {
  configFields,
  fieldValue,
  isFieldShown,
  type ConfigField,
} from '../../../graph/configSchema';
import type { JsonSchema, TableSchema } from '../../../graph/types';
import { Control, type DatasetChoices } from './ConfigControls';
import { rangeHint } from './configValues';

export type { DatasetChoices, DatasetOption } from './ConfigControls';

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
