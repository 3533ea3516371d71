import { useId } from 'react';

import type { ApiKeyCreated } from '../../api/apiKeys';
import { OneTimeSecret } from './OneTimeSecret';
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

  return (
    <section className="new-key" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Copy your new key “{created.name}” now</h2>
      <p className="new-key__warning">
        <strong>You won’t see it again.</strong> Tributary keeps only a hash of the key, so it
        cannot be shown once you leave this page. If it is lost, revoke it and create another.
      </p>
      <OneTimeSecret
        id={`${id}-key`}
        label={`API key for ${created.model ? `model ${created.model}` : 'all models'}`}
        value={created.key}
        copyLabel="Copy key"
      />
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
