import { useId, useState } from 'react';

import { nodeName } from '../../../graph/connections';
import type { Catalogue, GraphIssue, NodeContent } from '../../../graph/types';
import { Icon } from '../commands/icons';
import type { GraphValidation } from './useGraphValidation';

function where(issue: GraphIssue): string {
  const parts = [];
  if (issue.port) parts.push(`port ${issue.port}`);
  if (issue.field) parts.push(`setting ${issue.field}`);
  if (issue.column) parts.push(`column ${issue.column}`);
  return parts.join(', ');
}

/** What validation says about the graph: every problem, each leading to the node at fault. */
export function ProblemsPanel({
  validation,
  nodes,
  catalogue,
  onShowNode,
}: {
  validation: GraphValidation;
  nodes: readonly NodeContent[];
  catalogue: Catalogue;
  onShowNode: (id: string) => void;
}) {
  const headingId = useId();
  const [open, setOpen] = useState(true);
  const issues = validation.result?.errors ?? [];
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const nameOf = (node: NodeContent) => nodeName(node, catalogue.get(node.block));
  const nameCounts = new Map<string, number>();
  for (const node of nodes) {
    nameCounts.set(nameOf(node), (nameCounts.get(nameOf(node)) ?? 0) + 1);
  }

  return (
    <section className={`problems${open ? '' : ' problems--closed'}`} aria-labelledby={headingId}>
      <div className="problems__header">
        <h2 id={headingId} className="problems__title">
          Problems
          {validation.result && <span className="count">{issues.length}</span>}
        </h2>
        <span className="problems__state muted">
          {validation.pending
            ? 'Checking…'
            : validation.error
              ? 'Could not check the pipeline'
              : ''}
        </span>
        <button
          type="button"
          className="button button--small"
          aria-expanded={open}
          onClick={() => setOpen((now) => !now)}
        >
          {open ? 'Hide' : 'Show'}
        </button>
      </div>
      {open && (
        <div className="problems__body">
          {validation.error && (
            <p className="form-error">
              {validation.error.message}{' '}
              <button type="button" className="button button--small" onClick={validation.retry}>
                Try again
              </button>
            </p>
          )}
          {validation.result?.valid && (
            <p className="problems__ok">
              <Icon name="check" /> No problems: the pipeline can run.
            </p>
          )}
          {issues.length > 0 && (
            <ul className="problems__list">
              {issues.map((issue, index) => {
                const node = issue.node ? byId.get(issue.node) : undefined;
                const place = where(issue);
                const text = (
                  <>
                    <Icon name="alert" />
                    {node && (
                      <span className="problems__node">
                        {nameOf(node)}
                        {(nameCounts.get(nameOf(node)) ?? 0) > 1 && (
                          <span className="problems__node-id mono"> ({node.id})</span>
                        )}
                      </span>
                    )}
                    {place && <span className="problems__where">{place}</span>}
                    <span className="problems__message">{issue.message}</span>
                  </>
                );
                return (
                  <li key={`${index}-${issue.message}`}>
                    {node ? (
                      <button
                        type="button"
                        className="problems__item"
                        onClick={() => onShowNode(node.id)}
                      >
                        {text}
                      </button>
                    ) : (
                      <span className="problems__item">{text}</span>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
