import { useId } from 'react';

import type { AuthTokenCreated } from '../../api/tokens';
import { RelativeTime } from '../../ui/RelativeTime';
import { OneTimeSecret } from '../apiKeys/OneTimeSecret';

/** The key of a token just made, shown this once, with a copy button. */
export function NewTokenPanel({
  created,
  onDone,
}: {
  created: AuthTokenCreated;
  onDone: () => void;
}) {
  const id = useId();

  return (
    <section className="new-key" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Copy your new token “{created.name}” now</h2>
      <p className="new-key__warning">
        <strong>You won’t see it again.</strong> Tributary keeps only a hash of the token. It
        expires <RelativeTime value={created.expires_at} />.
      </p>
      <OneTimeSecret
        id={`${id}-token`}
        label="API token"
        value={created.token}
        copyLabel="Copy token"
      />
      <p className="small muted">
        Send it as <span className="mono">Authorization: Token {created.prefix}_…</span>
      </p>
      <div>
        <button type="button" className="button button--primary" onClick={onDone}>
          I have copied the token
        </button>
      </div>
    </section>
  );
}
