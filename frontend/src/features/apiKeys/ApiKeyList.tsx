import { useState } from 'react';
import { Link } from 'react-router-dom';

import { useRevokeApiKey, type ApiKey } from '../../api/apiKeys';
import { Badge } from '../../ui/Badge';
import { ConfirmDialog } from '../../ui/Dialog';
import { EntityTable } from '../../ui/EntityTable';
import { RelativeTime } from '../../ui/RelativeTime';

function Status({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.active || apiKey.revoked_at === null) {
    return <Badge tone="success">active</Badge>;
  }
  return (
    <>
      <Badge tone="danger">revoked</Badge>
      <span className="cell-sub">
        {apiKey.revoked_by ? `by ${apiKey.revoked_by}, ` : ''}
        <RelativeTime value={apiKey.revoked_at} />
      </span>
    </>
  );
}

/** The workspace's keys; editors and owners may revoke the active ones, after confirming. */
export function ApiKeyList({
  slug,
  keys,
  canManage,
}: {
  slug: string;
  keys: ApiKey[];
  canManage: boolean;
}) {
  const revoke = useRevokeApiKey(slug);
  const [target, setTarget] = useState<ApiKey | null>(null);

  function ask(apiKey: ApiKey) {
    revoke.reset();
    setTarget(apiKey);
  }

  return (
    <>
      <EntityTable
        className="table api-keys-table"
        items={keys}
        itemKey={(apiKey) => apiKey.id}
        rowClassName={(apiKey) => (apiKey.active ? undefined : 'api-keys-table__revoked')}
        columns={[
          {
            header: 'Name',
            rowHeader: true,
            cell: (apiKey) => (
              <>
                <span className="cell-title">{apiKey.name}</span>
                <span className="cell-sub mono" title="The start of the key">
                  {apiKey.prefix}_…
                </span>
              </>
            ),
          },
          {
            header: 'Model',
            cell: (apiKey) =>
              apiKey.model ? (
                <Link to={`/w/${slug}/models/${encodeURIComponent(apiKey.model)}`}>
                  {apiKey.model}
                </Link>
              ) : (
                <span className="muted">all models</span>
              ),
          },
          {
            header: 'Created',
            cell: (apiKey) => (
              <>
                <RelativeTime value={apiKey.created_at} />
                <span className="cell-sub">by {apiKey.created_by ?? 'a deleted user'}</span>
              </>
            ),
          },
          {
            header: 'Last used',
            cell: (apiKey) =>
              apiKey.last_used_at ? (
                <RelativeTime value={apiKey.last_used_at} />
              ) : (
                <span className="muted">never</span>
              ),
          },
          { header: 'Status', cell: (apiKey) => <Status apiKey={apiKey} /> },
          canManage && {
            header: <span className="visually-hidden">Actions</span>,
            className: 'api-keys-table__actions',
            cell: (apiKey) =>
              apiKey.active && (
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Revoke ${apiKey.name} (${apiKey.prefix})`}
                  onClick={() => ask(apiKey)}
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
        confirmLabel={revoke.isPending ? 'Revoking…' : 'Revoke key'}
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
          Applications sending <span className="mono">{target?.prefix}_…</span> will be refused
          (401) from their next request.
        </p>
        <p>This cannot be undone: to restore access, create a new key.</p>
      </ConfirmDialog>
    </>
  );
}
