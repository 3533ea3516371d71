import { useEffect, useRef } from 'react';

import { CopyButton } from './CopyButton';

/**
 * A secret the server shows only once (an API key, an API token): a read-only field that is
 * focused and selected when the secret arrives, with a copy button beside it.
 */
export function OneTimeSecret({
  id,
  label,
  value,
  copyLabel,
}: {
  id: string;
  label: React.ReactNode;
  value: string;
  copyLabel: string;
}) {
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [value]);

  return (
    <div className="new-key__secret">
      <label htmlFor={id}>{label}</label>
      <div className="new-key__row">
        <input
          ref={input}
          id={id}
          className="mono"
          readOnly
          value={value}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={value} label={copyLabel} />
      </div>
    </div>
  );
}
