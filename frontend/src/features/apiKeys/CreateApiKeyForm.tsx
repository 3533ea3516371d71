import { useId, useState, type FormEvent } from 'react';

import { ApiError } from '../../api/client';
import { useCreateApiKey, type ApiKeyCreated } from '../../api/apiKeys';
import { useModels } from '../../api/models';

/** The field an API error is about, when it names one of this form's fields. */
function errorField(error: Error | null): 'name' | 'model' | null {
  if (!(error instanceof ApiError)) {
    return null;
  }
  const field = error.field ?? Object.keys(error.fields)[0];
  return field === 'name' || field === 'model' ? field : null;
}

/** Name a key and choose the model it may call (or all of them); hands the new key up once. */
export function CreateApiKeyForm({
  slug,
  initialModel,
  onCreated,
}: {
  slug: string;
  initialModel: string;
  onCreated: (created: ApiKeyCreated) => void;
}) {
  const id = useId();
  const create = useCreateApiKey(slug);
  const models = useModels(slug);
  const [name, setName] = useState('');
  const [model, setModel] = useState(initialModel);
  const [missingName, setMissingName] = useState(false);

  const names = models.data?.results.map((summary) => summary.name) ?? [];
  const choices = model && !names.includes(model) ? [model, ...names] : names;
  const invalid = missingName ? 'name' : errorField(create.error);
  const message = missingName
    ? 'Name the key after the application that will use it.'
    : create.error?.message;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) {
      setMissingName(true);
      create.reset();
      return;
    }
    setMissingName(false);
    create.mutate(
      { name: name.trim(), model: model || undefined },
      {
        onSuccess: (created) => {
          setName('');
          onCreated(created);
        },
      },
    );
  }

  return (
    <form className="form api-key-form" onSubmit={onSubmit} aria-label="New API key" noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={100}
          autoComplete="off"
          placeholder="e.g. checkout-service"
          onChange={(event) => setName(event.target.value)}
          aria-invalid={invalid === 'name' || undefined}
          aria-describedby={`${id}-name-hint${message ? ` ${id}-error` : ''}`}
        />
        <span id={`${id}-name-hint`} className="field__hint">
          The application that will use the key.
        </span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-model`}>Model</label>
        <select
          id={`${id}-model`}
          value={model}
          onChange={(event) => setModel(event.target.value)}
          aria-invalid={invalid === 'model' || undefined}
          aria-describedby={`${id}-model-hint`}
        >
          <option value="">All models of the workspace</option>
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
        <span id={`${id}-model-hint`} className="field__hint">
          {models.isError
            ? `Could not load the models (${models.error.message}); the key can still be for all of them.`
            : 'A key for one model cannot call the others.'}
        </span>
      </div>
      {message && (
        <p id={`${id}-error`} className="form-error" role="alert">
          {message}
        </p>
      )}
      <div>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
