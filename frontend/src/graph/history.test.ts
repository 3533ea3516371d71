import { describe, expect, it } from 'vitest';

import { COALESCE_MS, emptyHistory, historyReducer, type History } from './history';

function run(history: History<string>, ...actions: Parameters<typeof historyReducer<string>>[1][]) {
  let state = history;
  let value: string | undefined;
  for (const action of actions) {
    const result = historyReducer(state, action);
    state = result.history;
    value = result.value ?? value;
  }
  return { state, value };
}

describe('historyReducer', () => {
  it('undoes and redoes edits in order', () => {
    // a -> b -> c, current "c".
    let { state } = run(
      emptyHistory(),
      { type: 'record', before: 'a' },
      { type: 'record', before: 'b' },
    );
    let result = historyReducer(state, { type: 'undo', current: 'c' });
    expect(result.value).toBe('b');
    result = historyReducer(result.history, { type: 'undo', current: 'b' });
    expect(result.value).toBe('a');
    expect(historyReducer(result.history, { type: 'undo', current: 'a' }).value).toBeUndefined();
    result = historyReducer(result.history, { type: 'redo', current: 'a' });
    expect(result.value).toBe('b');
    result = historyReducer(result.history, { type: 'redo', current: 'b' });
    expect(result.value).toBe('c');
    expect(historyReducer(result.history, { type: 'redo', current: 'c' }).value).toBeUndefined();
    state = result.history;
    expect(state.past).toEqual(['a', 'b']);
  });

  it('forgets the redo branch on a new edit', () => {
    const { state } = run(
      emptyHistory(),
      { type: 'record', before: 'a' },
      { type: 'undo', current: 'b' },
      { type: 'record', before: 'a' },
    );
    expect(state.future).toEqual([]);
    expect(state.past).toEqual(['a']);
  });

  it('merges edits of one field typed in quick succession', () => {
    const { state } = run(
      emptyHistory(),
      { type: 'record', before: '', coalesce: 'name', at: 0 },
      { type: 'record', before: 'I', coalesce: 'name', at: 100 },
      { type: 'record', before: 'Ir', coalesce: 'name', at: 200 },
    );
    expect(state.past).toEqual(['']);
    expect(historyReducer(state, { type: 'undo', current: 'Iri' }).value).toBe('');
  });

  it('does not merge after a pause, or across fields', () => {
    const { state } = run(
      emptyHistory(),
      { type: 'record', before: '0', coalesce: 'name', at: 0 },
      { type: 'record', before: '1', coalesce: 'name', at: COALESCE_MS + 1 },
      { type: 'record', before: '2', coalesce: 'seed', at: COALESCE_MS + 2 },
      { type: 'record', before: '3', at: COALESCE_MS + 3 },
    );
    expect(state.past).toEqual(['0', '1', '2', '3']);
  });

  it('keeps at most `limit` steps', () => {
    let state = emptyHistory<string>();
    for (let i = 0; i < 5; i += 1) {
      state = historyReducer(state, { type: 'record', before: String(i) }, 3).history;
    }
    expect(state.past).toEqual(['2', '3', '4']);
  });

  it('clears', () => {
    const { state } = run(emptyHistory(), { type: 'record', before: 'a' }, { type: 'clear' });
    expect(state).toEqual(emptyHistory());
  });
});
