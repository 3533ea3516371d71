import { useState } from 'react';

import { useRevokeToken, type AuthToken } from '../../api/tokens';
import { Badge } from '../../ui/Badge';
import { ConfirmDialog } from '../../ui/Dialog';
import { EntityTable } from '../../ui/EntityTable';
import { RelativeTime } from '../../ui/RelativeTime';

/** The user's live tokens, each revocable after confirming. */
export function TokenList({ tokens }: { tokens: AuthToken[] }) {
  const revoke = useRevokeToken();
  const [target, setTarget] = useState<AuthToken | null>(null);

  function ask(token: AuthToken) {
    revoke.reset();
    setTarget(token);
  }

  return (
    <>
      <EntityTable
        className="table tokens-table"
        items={tokens}
        itemKey={(token) => token.id}
        columns={[
          {
            header: 'Name',
            rowHeader: true,
            cell: (token) => (
              <>
                <span className="cell-title">{token.name}</span>
                <span className="cell-sub mono" title="The start of the token">
                  {token.prefix}_…
                </span>
                {token.current && <Badge tone="success">this session</Badge>}
              </>
            ),
          },
          { header: 'Created', cell: (token) => <RelativeTime value={token.created_at} /> },
          {
            header: 'Last used',
            cell: (token) =>
              token.last_used_at ? (
                <RelativeTime value={token.last_used_at} />
              ) : (
                <span className="muted">never</span>
              ),
          },
          { header: 'Expires', cell: (token) => <RelativeTime value={token.expires_at} /> },
          {
            header: <span className="visually-hidden">Actions</span>,
            className: 'tokens-table__actions',
            cell: (token) => (
              <button
                type="button"
                className="button button--small"
                aria-label={`Revoke ${token.name} (${token.prefix})`}
                onClick={() => ask(token)}
              >
                Revoke
              </button>
            ),
          },
        ]}
      />
      <ConfirmDialog
        open={target !== null}
        title={`Revoke “${target?.name ?? ''}”?`}
        confirmLabel={revoke.isPending ? 'Revoking…' : 'Revoke token'}
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => {
          if (target) {
            revoke.mutate(target.id, { onSuccess: () => setTarget(null) });
          }
        }}
        onCancel={() => setTarget(null)}
      >
        <p>
          Requests sending <span className="mono">{target?.prefix}_…</span> will be refused (401)
          from the next one on. This cannot be undone: make a new token to restore access.
        </p>
      </ConfirmDialog>
    </>
  );
}
