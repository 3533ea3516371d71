/**
 * Undo and redo as a pure reducer over snapshots.
 *
 * The history holds the states before (`past`) and after (`future`) the current one, which lives
 * with its owner (the editor store) and is passed in with each action. Edits that share a
 * `coalesce` key within `COALESCE_MS` (typing in one field) make a single undo step.
 */

export const HISTORY_LIMIT = 100;
export const COALESCE_MS = 1000;

export interface History<T> {
  past: T[];
  future: T[];
  /** The coalesce key and time of the last recorded edit. */
  last: { key: string; at: number } | null;
}

export type HistoryAction<T> =
  /** An edit happened: `before` is the state it replaced. */
  | { type: 'record'; before: T; coalesce?: string; at?: number }
  /** Step back from `current`. */
  | { type: 'undo'; current: T }
  /** Step forward from `current`. */
  | { type: 'redo'; current: T }
  /** Forget everything (a reload replaced the state). */
  | { type: 'clear' };

export interface HistoryResult<T> {
  history: History<T>;
  /** The state to show after an undo or redo; undefined when there was nothing to do. */
  value?: T;
}

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [], last: null };
}

export function historyReducer<T>(
  history: History<T>,
  action: HistoryAction<T>,
  limit = HISTORY_LIMIT,
): HistoryResult<T> {
  switch (action.type) {
    case 'record': {
      const at = action.at ?? Date.now();
      const key = action.coalesce;
      if (
        key !== undefined &&
        history.last?.key === key &&
        at - history.last.at < COALESCE_MS &&
        history.past.length > 0
      ) {
        return { history: { ...history, future: [], last: { key, at } } };
      }
      const past = [...history.past, action.before].slice(-limit);
      return {
        history: { past, future: [], last: key === undefined ? null : { key, at } },
      };
    }
    case 'undo': {
      const value = history.past.at(-1);
      if (history.past.length === 0) {
        return { history };
      }
      return {
        history: {
          past: history.past.slice(0, -1),
          future: [action.current, ...history.future].slice(0, limit),
          last: null,
        },
        value: value as T,
      };
    }
    case 'redo': {
      if (history.future.length === 0) {
        return { history };
      }
      return {
        history: {
          past: [...history.past, action.current].slice(-limit),
          future: history.future.slice(1),
          last: null,
        },
        value: history.future[0] as T,
      };
    }
    case 'clear':
      return { history: emptyHistory() };
  }
}
