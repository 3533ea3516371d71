import type { ModelVersion, Stage } from '../../api/models';
import type { Tone } from '../../ui/Badge';

export const STAGE_TONES: Record<Stage, Tone> = {
  production: 'success',
  staging: 'info',
  archived: 'warning',
  none: 'neutral',
};

/**
 * The versions moving `version` to `stage` would archive: promoting one to production archives
 * the one in production now (as the API's model_version_set_stage does).
 */
export function archivedByMove(
  versions: readonly ModelVersion[],
  version: number,
  stage: Stage,
): ModelVersion[] {
  if (stage !== 'production') {
    return [];
  }
  return versions.filter(
    (candidate) => candidate.stage === 'production' && candidate.version !== version,
  );
}

/** What promoting `version` archives, in a sentence: "v1 is in production now; it will be archived." */
export function describeArchiving(archived: readonly ModelVersion[]): string {
  const names = archived.map((candidate) => `v${candidate.version}`);
  const list =
    names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return names.length === 1
    ? `${list} is in production now; it will be archived.`
    : `${list} are in production now; they will be archived.`;
}
