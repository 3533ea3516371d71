import { useEffect, useId, useRef } from 'react';

import type { ApiKeyCreated } from '../../api/apiKeys';
import { CopyButton } from './CopyButton';
import { PredictExample } from './PredictExample';

/** The secret of a key just created, shown this once, with a copy button and a first call. */
export function NewKeyPanel({
  slug,
  created,
  onDone,
}: {
  slug: string;
  created: ApiKeyCreated;
  onDone: () => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [created.key]);

  return (
    <section className="new-key" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Copy your new key “{created.name}” now</h2>
      <p className="new-key__warning">
        <strong>You won’t see it again.</strong> Tributary keeps only a hash of the key, so it
        cannot be shown once you leave this page. If it is lost, revoke it and create another.
      </p>
      <div className="new-key__secret">
        <label htmlFor={`${id}-key`}>
          API key for {created.model ? `model ${created.model}` : 'all models'}
        </label>
        <div className="new-key__row">
          <input
            ref={input}
            id={`${id}-key`}
            className="mono"
            readOnly
            value={created.key}
            spellCheck={false}
            onFocus={(event) => event.currentTarget.select()}
          />
          <CopyButton text={created.key} label="Copy key" />
        </div>
      </div>
      <div className="new-key__example">
        <p className="small muted">Call predict with it:</p>
        <PredictExample
          slug={slug}
          model={created.model || null}
          apiKey={created.key}
          label="Example request with the new key"
        />
      </div>
      <div>
        <button type="button" className="button button--primary" onClick={onDone}>
          I have copied the key
        </button>
      </div>
    </section>
  );
}
