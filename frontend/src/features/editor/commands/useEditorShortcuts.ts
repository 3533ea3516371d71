import { useEffect, useRef } from 'react';

import { commandForKey, type EditorCommands } from './commands';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** Ctrl/⌘ + C while text is selected on the page copies that text: the browser's, not ours. */
function copiesSelectedText(event: KeyboardEvent): boolean {
  return event.key.toLowerCase() === 'c' && Boolean(window.getSelection()?.toString());
}

/**
 * The commands' keyboard shortcuts (their `keys`), taken anywhere on the page. While typing in a
 * field or in a dialog only the commands scoped `everywhere` are taken (Ctrl/⌘ + S): the others
 * keep their text meaning. A disabled command's shortcut is still taken, and does what its
 * `whenDisabled` says. (Canvas shortcuts, such as Delete, are handled by the canvas.)
 */
export function useEditorShortcuts(commands: EditorCommands, enabled: boolean) {
  const latest = useRef(commands);
  useEffect(() => {
    latest.current = commands;
  }, [commands]);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented) {
        return;
      }
      const command = commandForKey(Object.values(latest.current), event);
      if (!command) {
        return;
      }
      if (
        command.scope !== 'everywhere' &&
        (isTyping(event.target) || document.querySelector('dialog[open]'))
      ) {
        return;
      }
      if (copiesSelectedText(event)) {
        return;
      }
      event.preventDefault();
      if (command.enabled) {
        command.run();
      } else {
        command.whenDisabled?.();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
