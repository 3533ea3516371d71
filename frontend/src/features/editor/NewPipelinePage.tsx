import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { useCreatePipeline } from '../../api/pipelines';

/** /w/:slug/pipelines/new — name a pipeline, then open it in the editor. */
export function NewPipelinePage() {
  const { slug = '' } = useParams();
  const navigate = useNavigate();
  const create = useCreatePipeline(slug);
  const id = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const failed = create.isError;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), description: description.trim() },
      {
        onSuccess: (pipeline) =>
          navigate(`/w/${encodeURIComponent(slug)}/pipelines/${pipeline.id}`, { replace: true }),
      },
    );
  }

  return (
    <div className="page-narrow">
      <title>New pipeline · Tributary</title>
      <h1 id={`${id}-heading`}>New pipeline</h1>
      <p className="muted">
        Name it; you will then build it in the editor by dragging blocks onto the canvas.
      </p>
      <form className="form" aria-labelledby={`${id}-heading`} onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            name="name"
            required
            maxLength={200}
            autoComplete="off"
            autoFocus
            placeholder="e.g. Churn classifier"
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={failed || undefined}
            aria-describedby={failed ? `${id}-error` : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description (optional)</label>
          <input
            id={`${id}-description`}
            name="description"
            autoComplete="off"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        {failed && (
          <p id={`${id}-error`} className="form-error" role="alert">
            {create.error.message}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          Create pipeline
        </button>
      </form>
      <p>
        <Link to={`/w/${encodeURIComponent(slug)}`}>Back to the workspace</Link>
      </p>
    </div>
  );
}
