import { useId, useState, type FormEvent } from 'react';

import { ApiError } from '../../api/client';
import { usePredict, type ModelVersion } from '../../api/models';
import { formatMetric } from '../runs/figures';
import {
  buildInstance,
  emptyValues,
  fieldKind,
  parseVersionChoice,
  rankedProbabilities,
  type FormValues,
} from './predictForm';

function formatPrediction(value: unknown): string {
  if (typeof value === 'number') {
    return formatMetric(value);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A form built from a version's signature that calls predict and shows what comes back. */
export function TryItForm({
  slug,
  name,
  versions,
}: {
  slug: string;
  name: string;
  versions: ModelVersion[];
}) {
  const id = useId();
  const predict = usePredict(slug, name);
  const production = versions.find((version) => version.stage === 'production');
  const [choice, setChoice] = useState('');
  const target =
    versions.find((version) => version.version === parseVersionChoice(choice)) ??
    production ??
    versions[0];
  const signature = target?.signature ?? [];
  const classifier = target ? 'accuracy' in target.metrics : false;
  const [values, setValues] = useState<FormValues>(() => emptyValues(signature));
  const [withProbabilities, setWithProbabilities] = useState(classifier);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const { instance, errors } = buildInstance(signature, values);
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) {
      predict.reset();
      return;
    }
    const version = parseVersionChoice(choice);
    predict.mutate({
      instances: [instance],
      probabilities: classifier && withProbabilities,
      ...(version !== null ? { version } : {}),
    });
  }

  const serverColumn = predict.error instanceof ApiError ? predict.error.body.column : undefined;
  const result = predict.data;
  const probabilities = rankedProbabilities(result?.probabilities?.[0]);

  return (
    <form className="try-it" onSubmit={onSubmit} aria-label={`Try ${name}`} noValidate>
      <div className="try-it__options">
        <div className="field field--inline">
          <label htmlFor={`${id}-version`}>Version</label>
          <select
            id={`${id}-version`}
            value={choice}
            onChange={(event) => {
              setChoice(event.target.value);
              predict.reset();
            }}
          >
            <option value="">
              {production ? `Production (v${production.version})` : 'Latest'}
            </option>
            {versions.map((version) => (
              <option key={version.version} value={version.version}>
                v{version.version} ({version.stage})
              </option>
            ))}
          </select>
        </div>
        {classifier && (
          <label className="checkbox small">
            <input
              type="checkbox"
              checked={withProbabilities}
              onChange={(event) => setWithProbabilities(event.target.checked)}
            />
            Class probabilities
          </label>
        )}
      </div>
      {signature.length === 0 ? (
        <p className="muted">
          This version has no input signature, so there is nothing to fill in.
        </p>
      ) : (
        <div className="try-it__fields">
          {signature.map((column) => {
            const kind = fieldKind(column.dtype);
            const fieldId = `${id}-${column.name}`;
            const error = fieldErrors[column.name];
            const invalid = Boolean(error) || serverColumn === column.name;
            if (kind === 'boolean') {
              return (
                <label key={column.name} className="checkbox try-it__bool">
                  <input
                    type="checkbox"
                    checked={values[column.name] === 'true'}
                    onChange={(event) =>
                      setValues({ ...values, [column.name]: String(event.target.checked) })
                    }
                  />
                  {column.name}
                </label>
              );
            }
            return (
              <div key={column.name} className="field field--inline">
                <label htmlFor={fieldId}>{column.name}</label>
                <input
                  id={fieldId}
                  inputMode={kind === 'text' ? 'text' : 'decimal'}
                  value={values[column.name] ?? ''}
                  onChange={(event) => setValues({ ...values, [column.name]: event.target.value })}
                  placeholder={column.dtype}
                  aria-invalid={invalid || undefined}
                  aria-describedby={error ? `${fieldId}-error` : undefined}
                />
                {error && (
                  <span id={`${fieldId}-error`} className="field__error">
                    {error}
                  </span>
                )}
              </div>
            );
          })}
        </div>
      )}
      <div className="try-it__actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={predict.isPending || signature.length === 0}
        >
          {predict.isPending ? 'Predicting…' : 'Predict'}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setValues(emptyValues(signature));
            setFieldErrors({});
            predict.reset();
          }}
        >
          Clear
        </button>
      </div>
      {predict.isError && (
        <div className="form-error" role="alert">
          <p>{predict.error.message}</p>
          {predict.error instanceof ApiError && predict.error.errors.length > 1 && (
            <ul className="small">
              {predict.error.errors.slice(1, 6).map((issue) => (
                <li key={issue.message}>{issue.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {result && (
        <div className="prediction" data-testid="prediction-result" role="status">
          <p className="prediction__label">Prediction</p>
          <p className="prediction__value">{formatPrediction(result.predictions[0])}</p>
          <p className="muted small">by version {result.model_version}</p>
          {probabilities.length > 0 && (
            <ul className="probabilities" aria-label="Class probabilities">
              {probabilities.map(({ label, probability }) => (
                <li key={label}>
                  <span className="probabilities__label">{label}</span>
                  <span className="probabilities__bar" aria-hidden="true">
                    <span style={{ width: `${(probability * 100).toFixed(1)}%` }} />
                  </span>
                  <span className="probabilities__value">{(probability * 100).toFixed(1)}%</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
