import { useId, useState } from 'react';

import { useVersions, type PipelineVersion } from '../../../api/pipelines';
import { ConfirmDialog } from '../../../ui/Dialog';
import { ShowMore } from '../../../ui/Pager';
import { QueryState } from '../../../ui/QueryState';
import { RelativeTime } from '../../../ui/RelativeTime';

/** The pipeline's saved versions, newest first, each restorable into the draft. */
export function VersionsPanel({
  slug,
  pipelineId,
  readOnly,
  restoring,
  restoreError,
  onRestore,
  onClose,
}: {
  slug: string;
  pipelineId: number;
  readOnly: boolean;
  restoring: boolean;
  restoreError: Error | null;
  onRestore: (version: PipelineVersion) => Promise<boolean>;
  onClose: () => void;
}) {
  const versions = useVersions(slug, pipelineId);
  const headingId = useId();
  const [chosen, setChosen] = useState<PipelineVersion | null>(null);

  return (
    <aside className="inspector versions" aria-labelledby={headingId}>
      <div className="inspector__body">
        <div className="versions__header">
          <h2 id={headingId} className="inspector__title">
            Versions
          </h2>
          <button type="button" className="button button--small" onClick={onClose}>
            Close
          </button>
        </div>
        <QueryState
          query={versions}
          noun="versions"
          isEmpty={(list) => list.results.length === 0}
          empty={
            <>
              <p className="empty-state__title">No versions yet</p>
              <p className="muted">
                Save a version to keep a snapshot you can run and come back to.
              </p>
            </>
          }
        >
          {(list) => (
            <>
              <ol className="versions__list">
                {list.results.map((version) => (
                  <li key={version.id} className="versions__item">
                    <div className="versions__line">
                      <span className="versions__number">v{version.number}</span>
                      <span className="muted">
                        {version.author} · <RelativeTime value={version.created_at} />
                      </span>
                    </div>
                    <p className="versions__message">
                      {version.message || <span className="muted">No message</span>}
                    </p>
                    {!readOnly && (
                      <button
                        type="button"
                        className="button button--small"
                        aria-label={`Restore version ${version.number}`}
                        onClick={() => setChosen(version)}
                      >
                        Restore
                      </button>
                    )}
                  </li>
                ))}
              </ol>
              <ShowMore
                list={versions}
                shown={list.results.length}
                total={list.count}
                noun="versions"
              />
            </>
          )}
        </QueryState>
      </div>
      <ConfirmDialog
        open={chosen !== null}
        title={`Restore version ${chosen?.number ?? ''}?`}
        confirmLabel="Restore"
        pending={restoring}
        error={restoreError}
        onCancel={() => setChosen(null)}
        onConfirm={() => {
          if (chosen) {
            void onRestore(chosen).then((done) => done && setChosen(null));
          }
        }}
      >
        <p>
          The draft is replaced by version {chosen?.number}&rsquo;s graph. You can undo this, and
          the versions themselves never change.
        </p>
      </ConfirmDialog>
    </aside>
  );
}
