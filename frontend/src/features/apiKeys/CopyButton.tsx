import { useEffect, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

/** How long "Copied" stays on the button. */
const FEEDBACK_MS = 2000;

/** Copy `text` to the clipboard; says whether it worked, and what to do when it did not. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state !== 'copied') {
      return;
    }
    const timer = window.setTimeout(() => setState('idle'), FEEDBACK_MS);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <span className="copy-button">
      <button type="button" className="button button--small" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className={state === 'failed' ? 'copy-button__failed' : 'muted small'}>
        {state === 'copied' && 'Copied'}
        {state === 'failed' && 'Could not copy: select the text and press Ctrl+C'}
      </span>
    </span>
  );
}
