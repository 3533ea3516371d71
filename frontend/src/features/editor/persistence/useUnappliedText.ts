import { useCallback, useMemo, useState } from 'react';

import { plural } from '../commands/useNotice';

export interface UnappliedText {
  /** The messages of the settings holding typed text that was not applied. */
  messages: readonly string[];
  /** A setting of a node holds text that was not applied (its message), or no longer (null). */
  report(nodeId: string, field: string, message: string | null): void;
  /** Why the pipeline cannot be `action` ("run", "saved as a version") now, or null if it can. */
  refusal(action: string): string | null;
}

/**
 * Settings whose typed text could not be read, so the graph does not hold it: saving a version
 * or running would use something other than what the form shows, so both are refused until the
 * text is corrected.
 */
export function useUnappliedText(): UnappliedText {
  const [unapplied, setUnapplied] = useState<ReadonlyMap<string, string>>(new Map());

  const report = useCallback((nodeId: string, field: string, message: string | null) => {
    const key = `${nodeId}\u0000${field}`;
    setUnapplied((now) => {
      if ((now.get(key) ?? null) === message) {
        return now;
      }
      const next = new Map(now);
      if (message === null) {
        next.delete(key);
      } else {
        next.set(key, message);
      }
      return next;
    });
  }, []);

  const refusal = useCallback(
    (action: string): string | null => {
      if (unapplied.size === 0) {
        return null;
      }
      return `${plural(unapplied.size, 'setting')} of the selected block ${
        unapplied.size === 1 ? 'holds' : 'hold'
      } text that was not applied, so the pipeline was not ${action}: correct it first.`;
    },
    [unapplied],
  );

  return useMemo(
    () => ({ messages: [...unapplied.values()], report, refusal }),
    [unapplied, report, refusal],
  );
}
