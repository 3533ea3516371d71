/** Readable, unique node ids ("scale", "scale_2") that the backend's id pattern accepts. */

/** The id stem for a block key: its last segment, reduced to letters, digits, '_' and '-'. */
export function idStem(blockKey: string): string {
  const last = blockKey.split('.').pop() ?? '';
  const stem = last.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return (stem || 'node').slice(0, 50);
}

/** `stem` itself if free, else `stem_2`, `stem_3`, ...; `taken` is updated with the result. */
export function uniqueId(stem: string, taken: Set<string>): string {
  const base = (stem.replace(/_\d+$/, '') || stem).slice(0, 56);
  let id = base;
  for (let n = 2; taken.has(id); n += 1) {
    id = `${base}_${n}`;
  }
  taken.add(id);
  return id;
}
