import { describe, expect, it } from 'vitest';

import { commandForKey, commandTitle, parseKeys, type EditorCommand } from './commands';

function command(id: EditorCommand['id'], keys: string, extra: Partial<EditorCommand> = {}) {
  return { id, label: id, keys, enabled: true, run: () => undefined, ...extra };
}

const COMMANDS: EditorCommand[] = [
  command('undo', 'Control+Z Meta+Z'),
  command('redo', 'Control+Shift+Z Meta+Shift+Z Control+Y'),
  command('copy', 'Control+C Meta+C'),
  command('delete', 'Delete Backspace', { scope: 'canvas' }),
];

function press(
  key: string,
  modifiers: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {},
) {
  return {
    key,
    ctrlKey: modifiers.ctrl ?? false,
    metaKey: modifiers.meta ?? false,
    shiftKey: modifiers.shift ?? false,
    altKey: modifiers.alt ?? false,
  };
}

describe('commandForKey', () => {
  it('takes Control and Meta alike, and tells Shift apart where a shortcut names it', () => {
    expect(commandForKey(COMMANDS, press('z', { ctrl: true }))?.id).toBe('undo');
    expect(commandForKey(COMMANDS, press('z', { meta: true }))?.id).toBe('undo');
    expect(commandForKey(COMMANDS, press('Z', { ctrl: true, shift: true }))?.id).toBe('redo');
    expect(commandForKey(COMMANDS, press('y', { meta: true }))?.id).toBe('redo');
  });

  it('takes a shortcut without Shift with Shift too, when no other names it', () => {
    expect(commandForKey(COMMANDS, press('C', { ctrl: true, shift: true }))?.id).toBe('copy');
  });

  it('leaves keys without the modifier, with Alt, and the canvas shortcuts alone', () => {
    expect(commandForKey(COMMANDS, press('z'))).toBeUndefined();
    expect(commandForKey(COMMANDS, press('z', { ctrl: true, alt: true }))).toBeUndefined();
    expect(commandForKey(COMMANDS, press('Delete'))).toBeUndefined();
    expect(commandForKey(COMMANDS, press('x', { ctrl: true }))).toBeUndefined();
  });
});

describe('commands', () => {
  it('reads aria-keyshortcuts combinations', () => {
    expect(parseKeys('Meta+Shift+Z')).toEqual({ key: 'z', mod: true, shift: true, alt: false });
    expect(parseKeys('Backspace')).toEqual({
      key: 'backspace',
      mod: false,
      shift: false,
      alt: false,
    });
  });

  it('names a command with its shortcut in a tooltip', () => {
    expect(commandTitle({ ...command('undo', ''), label: 'Undo', keysLabel: 'Ctrl/⌘+Z' })).toBe(
      'Undo (Ctrl/⌘+Z)',
    );
    expect(
      commandTitle({
        ...command('saveVersion', ''),
        label: 'Save version',
        hint: 'Save a version',
      }),
    ).toBe('Save a version');
  });
});
