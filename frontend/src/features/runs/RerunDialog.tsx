import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';

import { useStartRun } from '../../api/runs';
import { Dialog } from '../../ui/Dialog';

/** Start a new run of the same pipeline version: whole or from one node, with or without cache. */
export function RerunDialog({
  open,
  onClose,
  slug,
  pipelineId,
  version,
  nodes,
  initialNode,
}: {
  open: boolean;
  onClose: () => void;
  slug: string;
  pipelineId: number;
  version: number;
  nodes: { id: string; label: string }[];
  initialNode: string;
}) {
  return (
    <Dialog open={open} title="Re-run" onClose={onClose}>
      {open && (
        <RerunForm
          slug={slug}
          pipelineId={pipelineId}
          version={version}
          nodes={nodes}
          initialNode={initialNode}
          onCancel={onClose}
        />
      )}
    </Dialog>
  );
}

function RerunForm({
  slug,
  pipelineId,
  version,
  nodes,
  initialNode,
  onCancel,
}: {
  slug: string;
  pipelineId: number;
  version: number;
  nodes: { id: string; label: string }[];
  initialNode: string;
  onCancel: () => void;
}) {
  const id = useId();
  const navigate = useNavigate();
  const start = useStartRun(slug, pipelineId);
  const [fromNode, setFromNode] = useState(initialNode);
  const [useCache, setUseCache] = useState(true);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    start.mutate(
      { version, use_cache: useCache, ...(fromNode ? { from_node: fromNode } : {}) },
      { onSuccess: (run) => navigate(`/w/${slug}/runs/${run.id}`) },
    );
  }

  return (
    <form className="form" onSubmit={onSubmit}>
      <p className="muted">A new run of version {version} of this pipeline.</p>
      <div className="field">
        <label htmlFor={`${id}-from`}>Start from</label>
        <select
          id={`${id}-from`}
          value={fromNode}
          onChange={(event) => setFromNode(event.target.value)}
        >
          <option value="">The whole pipeline</option>
          {nodes.map((node) => (
            <option key={node.id} value={node.id}>
              {node.label}
            </option>
          ))}
        </select>
        <p className="field__hint">
          From a node: it and everything downstream run again; the rest reuse their outputs.
        </p>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={useCache}
          onChange={(event) => setUseCache(event.target.checked)}
        />
        Reuse cached results of unchanged steps
      </label>
      {start.isError && (
        <p className="form-error" role="alert">
          {start.error.message}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={start.isPending}>
          {start.isPending ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}
