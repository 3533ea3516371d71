import { useId, useState, type FormEvent } from 'react';

import { ApiError } from '../../api/client';
import { useCreateToken, type AuthTokenCreated } from '../../api/tokens';

/** How long a new token may live; the server caps each at its own longest. */
const LIFETIMES = [
  { hours: 0, label: 'The longest allowed' },
  { hours: 24, label: '1 day' },
  { hours: 24 * 7, label: '7 days' },
  { hours: 24 * 30, label: '30 days' },
];

/** The field an API error is about, when it names one of this form's fields. */
function errorField(error: Error | null): 'name' | 'expires_in_hours' | null {
  if (!(error instanceof ApiError)) {
    return null;
  }
  const field = error.field ?? Object.keys(error.fields)[0];
  return field === 'name' || field === 'expires_in_hours' ? field : null;
}

/** Name a token and choose how long it lives; hands the new token up once. */
export function CreateTokenForm({ onCreated }: { onCreated: (created: AuthTokenCreated) => void }) {
  const id = useId();
  const create = useCreateToken();
  const [name, setName] = useState('');
  const [hours, setHours] = useState(0);
  const [missingName, setMissingName] = useState(false);

  const invalid = missingName ? 'name' : errorField(create.error);
  const message = missingName
    ? 'Name the token after the script or machine that will use it.'
    : create.error?.message;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) {
      setMissingName(true);
      create.reset();
      return;
    }
    setMissingName(false);
    create.mutate(hours ? { name: name.trim(), expires_in_hours: hours } : { name: name.trim() }, {
      onSuccess: (created) => {
        setName('');
        onCreated(created);
      },
    });
  }

  return (
    <form className="form token-form" onSubmit={onSubmit} aria-label="New API token" noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={100}
          autoComplete="off"
          placeholder="e.g. nightly-export"
          onChange={(event) => setName(event.target.value)}
          aria-invalid={invalid === 'name' || undefined}
          aria-describedby={message ? `${id}-error` : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-expires`}>Expires after</label>
        <select
          id={`${id}-expires`}
          value={hours}
          onChange={(event) => setHours(Number(event.target.value))}
          aria-invalid={invalid === 'expires_in_hours' || undefined}
        >
          {LIFETIMES.map((lifetime) => (
            <option key={lifetime.hours} value={lifetime.hours}>
              {lifetime.label}
            </option>
          ))}
        </select>
      </div>
      {message && (
        <p id={`${id}-error`} className="form-error" role="alert">
          {message}
        </p>
      )}
      <div>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}
