import { useEffect, useMemo, useState } from 'react';

/** How long an info notice stays; an error stays until dismissed or replaced. */
export const NOTICE_MS = 6000;

/** A message over the canvas saying what a command did, or why it could not. */
export interface Notice {
  tone: 'info' | 'error';
  text: string;
}

/** Showing a notice (replacing the one shown); the same object for the editor's lifetime. */
export interface Notify {
  info(text: string): void;
  error(text: string): void;
  dismiss(): void;
}

/** The editor's one notice at a time: info notices go by themselves after NOTICE_MS. */
export function useNotice(): { notice: Notice | null; notify: Notify } {
  const [notice, setNotice] = useState<Notice | null>(null);

  useEffect(() => {
    if (notice?.tone !== 'info') {
      return undefined;
    }
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const notify = useMemo<Notify>(
    () => ({
      info: (text) => setNotice({ tone: 'info', text }),
      error: (text) => setNotice({ tone: 'error', text }),
      dismiss: () => setNotice(null),
    }),
    [],
  );
  return { notice, notify };
}

/** "1 block", "3 blocks". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
