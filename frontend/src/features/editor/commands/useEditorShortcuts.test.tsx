import { fireEvent, render, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { CommandId, EditorCommand, EditorCommands } from './commands';
import { useEditorShortcuts } from './useEditorShortcuts';

function commands(overrides: Partial<Record<CommandId, Partial<EditorCommand>>> = {}) {
  const ids: CommandId[] = [
    'undo',
    'redo',
    'copy',
    'paste',
    'delete',
    'selectAll',
    'layout',
    'fit',
    'versions',
    'export',
    'saveVersion',
    'run',
  ];
  const keys: Partial<Record<CommandId, Partial<EditorCommand>>> = {
    undo: { keys: 'Control+Z Meta+Z' },
    paste: { keys: 'Control+V Meta+V' },
    saveVersion: { keys: 'Control+S Meta+S', scope: 'everywhere' },
  };
  return Object.fromEntries(
    ids.map((id) => [
      id,
      { id, label: id, enabled: true, run: vi.fn(), ...keys[id], ...overrides[id] },
    ]),
  ) as unknown as EditorCommands;
}

describe('useEditorShortcuts', () => {
  it('runs the command of a shortcut, and leaves the key to a field being typed in', () => {
    const list = commands();
    renderHook(() => useEditorShortcuts(list, true));
    const { getByRole } = render(<input aria-label="Name" />);

    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(list.undo.run).toHaveBeenCalledTimes(1);

    fireEvent.keyDown(getByRole('textbox'), { key: 'z', ctrlKey: true });
    expect(list.undo.run).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(getByRole('textbox'), { key: 's', metaKey: true });
    expect(list.saveVersion.run).toHaveBeenCalledTimes(1);
  });

  it('takes the shortcut of a disabled command, which does only what whenDisabled says', () => {
    const whenDisabled = vi.fn();
    const list = commands({ paste: { enabled: false, whenDisabled }, undo: { enabled: false } });
    renderHook(() => useEditorShortcuts(list, true));

    expect(fireEvent.keyDown(document.body, { key: 'v', ctrlKey: true })).toBe(false);
    expect(whenDisabled).toHaveBeenCalledTimes(1);
    expect(list.paste.run).not.toHaveBeenCalled();
    expect(fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true })).toBe(false);
    expect(list.undo.run).not.toHaveBeenCalled();
  });
});
