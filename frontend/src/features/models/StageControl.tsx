import { useId } from 'react';

import { STAGES, useSetStage, type ModelVersion, type Stage } from '../../api/models';

/** Move a version to another stage; promoting to production archives the current one. */
export function StageControl({
  slug,
  name,
  version,
}: {
  slug: string;
  name: string;
  version: ModelVersion;
}) {
  const id = useId();
  const setStage = useSetStage(slug, name);
  return (
    <div className="stage-control">
      <label htmlFor={id} className="visually-hidden">
        Stage of version {version.version}
      </label>
      <select
        id={id}
        value={setStage.isPending ? (setStage.variables?.stage ?? version.stage) : version.stage}
        disabled={setStage.isPending}
        onChange={(event) =>
          setStage.mutate({ version: version.version, stage: event.target.value as Stage })
        }
        aria-describedby={setStage.isError ? `${id}-error` : undefined}
      >
        {STAGES.map((stage) => (
          <option key={stage} value={stage}>
            {stage}
          </option>
        ))}
      </select>
      {setStage.isError && (
        <p id={`${id}-error`} className="form-error small" role="alert">
          {setStage.error.message}
        </p>
      )}
    </div>
  );
}
