import { useEffect, useRef } from 'react';

export interface ShortcutActions {
  undo(): void;
  redo(): void;
  copy(): void;
  paste(): void;
  selectAll(): void;
  saveVersion(): void;
}

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

/**
 * The editor's keyboard shortcuts: Ctrl/⌘ + Z undo, + Shift + Z or + Y redo, + C copy, + V paste,
 * + A select all, + S save a version. While typing in a field, only Ctrl/⌘ + S is taken: the
 * others keep their text meaning. (Delete and Backspace are handled by the canvas.)
 */
export function useEditorShortcuts(actions: ShortcutActions, enabled: boolean) {
  const latest = useRef(actions);
  useEffect(() => {
    latest.current = actions;
  }, [actions]);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    function onKeyDown(event: KeyboardEvent) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.defaultPrevented) {
        return;
      }
      const key = event.key.toLowerCase();
      const run = (action: () => void) => {
        event.preventDefault();
        action();
      };
      if (key === 's') {
        run(latest.current.saveVersion);
        return;
      }
      if (isTyping(event.target) || document.querySelector('dialog[open]')) {
        return;
      }
      if (key === 'z') {
        run(event.shiftKey ? latest.current.redo : latest.current.undo);
      } else if (key === 'y') {
        run(latest.current.redo);
      } else if (key === 'c' && !window.getSelection()?.toString()) {
        run(latest.current.copy);
      } else if (key === 'v') {
        run(latest.current.paste);
      } else if (key === 'a') {
        run(latest.current.selectAll);
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
