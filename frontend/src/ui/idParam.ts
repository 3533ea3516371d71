/** A route's numeric id ("42"), or null when the address holds anything else ("abc", "0", "4.2"). */
export function parseIdParam(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value)) {
    return null;
  }
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
