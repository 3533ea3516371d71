import { useId, useState } from 'react';

import { STAGES, useSetStage, type ModelVersion, type Stage } from '../../api/models';
import { Badge } from '../../ui/Badge';
import { ConfirmDialog } from '../../ui/Dialog';
import { archivedByMove, describeArchiving, STAGE_TONES } from './stages';

/** A version's stage, as a badge. */
export function StageBadge({ stage }: { stage: Stage }) {
  return <Badge tone={STAGE_TONES[stage]}>{stage}</Badge>;
}

/**
 * A version's stage: a selector for those who may change it, else a badge. Promoting a version to
 * production archives the one in production now, so that asks first.
 */
export function StageControl({
  slug,
  name,
  version,
  versions,
  editable,
}: {
  slug: string;
  name: string;
  version: ModelVersion;
  /** Every version of the model, to name the one a promotion archives. */
  versions: readonly ModelVersion[];
  editable: boolean;
}) {
  if (!editable) {
    return <StageBadge stage={version.stage} />;
  }
  return <StageSelect slug={slug} name={name} version={version} versions={versions} />;
}

function StageSelect({
  slug,
  name,
  version,
  versions,
}: {
  slug: string;
  name: string;
  version: ModelVersion;
  versions: readonly ModelVersion[];
}) {
  const id = useId();
  const setStage = useSetStage(slug, name);
  const [confirming, setConfirming] = useState<Stage | null>(null);
  const archived = confirming ? archivedByMove(versions, version.version, confirming) : [];

  function choose(stage: Stage) {
    if (archivedByMove(versions, version.version, stage).length > 0) {
      setStage.reset();
      setConfirming(stage);
      return;
    }
    setStage.mutate({ version: version.version, stage });
  }

  function confirm() {
    if (confirming) {
      setStage.mutate(
        { version: version.version, stage: confirming },
        { onSuccess: () => setConfirming(null) },
      );
    }
  }

  const showError = setStage.isError && confirming === null;
  return (
    <div className="stage-control">
      <label htmlFor={id} className="visually-hidden">
        Stage of version {version.version}
      </label>
      <select
        id={id}
        value={setStage.isPending ? (setStage.variables?.stage ?? version.stage) : version.stage}
        disabled={setStage.isPending}
        onChange={(event) => choose(event.target.value as Stage)}
        aria-describedby={showError ? `${id}-error` : undefined}
      >
        {STAGES.map((stage) => (
          <option key={stage} value={stage}>
            {stage}
          </option>
        ))}
      </select>
      {showError && (
        <p id={`${id}-error`} className="form-error small" role="alert">
          {setStage.error.message}
        </p>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={`Put v${version.version} in production?`}
        confirmLabel={`Put v${version.version} in production`}
        pending={setStage.isPending}
        error={confirming !== null ? setStage.error : null}
        onConfirm={confirm}
        onCancel={() => setConfirming(null)}
      >
        {archived.length > 0 && <p>{describeArchiving(archived)}</p>}
        <p>Predict requests will be answered by v{version.version}.</p>
      </ConfirmDialog>
    </div>
  );
}
