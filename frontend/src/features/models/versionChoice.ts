import type { ModelVersion } from '../../api/models';

/** The version predict answers with when none is asked for: production, else the newest. */
export function servingVersion<T extends Pick<ModelVersion, 'version' | 'stage'>>(
  versions: T[],
): T | undefined {
  const production = versions.find((version) => version.stage === 'production');
  if (production) {
    return production;
  }
  return versions.reduce<T | undefined>(
    (newest, version) =>
      newest === undefined || version.version > newest.version ? version : newest,
    undefined,
  );
}

/** The version named by `param` ("3") when the model has it, else the serving version. */
export function chosenVersion<T extends Pick<ModelVersion, 'version' | 'stage'>>(
  versions: T[],
  param: string | null,
): T | undefined {
  if (param !== null && /^\d+$/.test(param)) {
    const asked = versions.find((version) => version.version === Number(param));
    if (asked) {
      return asked;
    }
  }
  return servingVersion(versions);
}
