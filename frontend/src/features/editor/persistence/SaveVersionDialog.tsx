import { useId, useState, type FormEvent } from 'react';

import { ApiError } from '../../../api/client';
import { Dialog } from '../../../ui/Dialog';

/** Name a new version of the pipeline: a message, then Save. */
export function SaveVersionDialog({
  open,
  pending,
  error,
  onSave,
  onClose,
}: {
  open: boolean;
  pending: boolean;
  error: Error | null;
  onSave: (message: string) => void;
  onClose: () => void;
}) {
  const [message, setMessage] = useState('');
  const id = useId();
  const issues = error instanceof ApiError ? error.errors : [];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSave(message.trim());
  }

  return (
    <Dialog open={open} title="Save a version" onClose={onClose}>
      <form className="form" onSubmit={submit} aria-label="Save a version">
        <p className="muted">
          A version is a snapshot of this pipeline that runs and history refer to. Only a pipeline
          that can run is saved.
        </p>
        <div className="field">
          <label htmlFor={`${id}-message`}>Message</label>
          <input
            id={`${id}-message`}
            autoComplete="off"
            maxLength={500}
            placeholder="What changed, e.g. “Scale features before the forest”"
            value={message}
            onChange={(event) => setMessage(event.target.value)}
            autoFocus
          />
        </div>
        {error && (
          <div className="form-error" role="alert">
            <p>{error.message}</p>
            {issues.length > 1 && (
              <ul>
                {issues.map((issue, index) => (
                  <li key={index}>
                    {issue.node && <strong>{issue.node}: </strong>}
                    {issue.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={pending}>
            {pending ? 'Saving…' : 'Save version'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
