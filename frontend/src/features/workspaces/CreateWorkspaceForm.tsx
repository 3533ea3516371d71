import { useId, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';

import { useCreateWorkspace } from '../../api/workspaces';

/** Name a new workspace; on success, open it. */
export function CreateWorkspaceForm({ labelledBy }: { labelledBy: string }) {
  const create = useCreateWorkspace();
  const navigate = useNavigate();
  const id = useId();
  const errorId = `${id}-error`;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    create.mutate(name, { onSuccess: (workspace) => navigate(`/w/${workspace.slug}`) });
  }

  const failed = create.isError;

  return (
    <form className="form" aria-labelledby={labelledBy} onSubmit={onSubmit}>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          name="name"
          required
          autoComplete="off"
          placeholder="e.g. Churn modelling"
          aria-invalid={failed || undefined}
          aria-describedby={failed ? errorId : undefined}
        />
      </div>
      {failed && (
        <p id={errorId} className="form-error" role="alert">
          {create.error.message}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={create.isPending}>
        Create workspace
      </button>
    </form>
  );
}
