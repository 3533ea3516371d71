/**
 * The editor's commands: one list that the toolbar draws, the keyboard shortcuts run and any
 * menu may offer, so a command's name, keys and whether it can run are written once.
 */

export type CommandId =
  | 'undo'
  | 'redo'
  | 'copy'
  | 'paste'
  | 'delete'
  | 'selectAll'
  | 'layout'
  | 'fit'
  | 'versions'
  | 'export'
  | 'saveVersion'
  | 'run';

/**
 * Where a command's shortcut is taken. editor: not while typing in a field or with a dialog
 * open (the keys keep their text meaning there); everywhere: there too; canvas: the canvas
 * handles the keys itself, they are listed only to be shown.
 */
export type ShortcutScope = 'editor' | 'everywhere' | 'canvas';

export interface EditorCommand {
  id: CommandId;
  /** The command's name: a tool button's accessible name, a menu item's text. */
  label: string;
  /** A longer name for a tooltip, where the label is short ("Save a version"). */
  hint?: string;
  /**
   * The keyboard shortcuts as aria-keyshortcuts lists them ("Control+Z Meta+Z"). On the
   * keyboard Control and Meta (⌘) count alike, and a shortcut without Shift is also taken with
   * Shift, unless another shortcut of the same key names Shift.
   */
  keys?: string;
  /** The shortcut as a tooltip shows it ("Ctrl/⌘+Z"). */
  keysLabel?: string;
  /** Where the shortcut is taken (default: editor). */
  scope?: ShortcutScope;
  /** Whether the command can run now; the toolbar disables it otherwise. */
  enabled: boolean;
  /** For a toggle: whether it is on (aria-pressed). */
  pressed?: boolean;
  /** The command is under way (a run being started). */
  busy?: boolean;
  run(): void;
  /** What its shortcut does while the command is disabled (e.g. say why); nothing by default. */
  whenDisabled?(): void;
}

/** The editor's commands by id. */
export type EditorCommands = Readonly<Record<CommandId, EditorCommand>>;

/** A tooltip for a command: its hint or label, and its shortcut. */
export function commandTitle(command: EditorCommand): string {
  const name = command.hint ?? command.label;
  return command.keysLabel ? `${name} (${command.keysLabel})` : name;
}

/** One key combination from aria-keyshortcuts; `mod` is Control or Meta. */
export interface KeyCombination {
  key: string;
  mod: boolean;
  shift: boolean;
  alt: boolean;
}

/** "Control+Shift+Z" as a key combination (the key in lower case). */
export function parseKeys(combination: string): KeyCombination {
  const parts = combination.split('+');
  const key = (parts.pop() ?? '').toLowerCase();
  return {
    key,
    mod: parts.includes('Control') || parts.includes('Meta'),
    shift: parts.includes('Shift'),
    alt: parts.includes('Alt'),
  };
}

function combinations(command: EditorCommand): KeyCombination[] {
  return (command.keys ?? '').split(' ').filter(Boolean).map(parseKeys);
}

/** What of a key press decides which shortcut it is. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The command whose shortcut `event` is, if any (canvas shortcuts are left out). */
export function commandForKey(
  commands: readonly EditorCommand[],
  event: KeyPress,
): EditorCommand | undefined {
  const key = event.key.toLowerCase();
  const mod = event.ctrlKey || event.metaKey;
  const candidates = commands
    .filter((command) => command.scope !== 'canvas')
    .flatMap((command) => combinations(command).map((keys) => ({ command, keys })))
    .filter(({ keys }) => keys.key === key && keys.mod === mod && keys.alt === event.altKey);
  const exact = candidates.find(({ keys }) => keys.shift === event.shiftKey);
  return (exact ?? candidates.find(({ keys }) => !keys.shift))?.command;
}
