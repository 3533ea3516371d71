/** Shown when a save was refused because someone else saved the pipeline in between. */
export function ConflictBanner({
  busy,
  onReload,
  onOverwrite,
}: {
  busy: boolean;
  onReload: () => void;
  onOverwrite: () => void;
}) {
  return (
    <div className="conflict-banner" role="alert">
      <p>
        <strong>Someone else saved this pipeline</strong> since you opened it, so your latest
        changes were not saved. Reload to see their version, or keep yours and save over it.
      </p>
      <div className="conflict-banner__actions">
        <button type="button" className="button button--primary" disabled={busy} onClick={onReload}>
          Reload
        </button>
        <button type="button" className="button" disabled={busy} onClick={onOverwrite}>
          Keep mine
        </button>
      </div>
    </div>
  );
}
