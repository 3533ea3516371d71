import { useState } from 'react';
import { Link } from 'react-router-dom';

import { useRevokeApiKey, type ApiKey } from '../../api/apiKeys';
import { Badge } from '../../ui/Badge';
import { ConfirmDialog } from '../../ui/Dialog';
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
      <table className="table api-keys-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Model</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
            {canManage && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {keys.map((apiKey) => (
            <tr key={apiKey.id} className={apiKey.active ? undefined : 'api-keys-table__revoked'}>
              <th scope="row">
                <span className="cell-title">{apiKey.name}</span>
                <span className="cell-sub mono" title="The start of the key">
                  {apiKey.prefix}_…
                </span>
              </th>
              <td>
                {apiKey.model ? (
                  <Link to={`/w/${slug}/models/${encodeURIComponent(apiKey.model)}`}>
                    {apiKey.model}
                  </Link>
                ) : (
                  <span className="muted">all models</span>
                )}
              </td>
              <td>
                <RelativeTime value={apiKey.created_at} />
                <span className="cell-sub">by {apiKey.created_by ?? 'a deleted user'}</span>
              </td>
              <td>
                {apiKey.last_used_at ? (
                  <RelativeTime value={apiKey.last_used_at} />
                ) : (
                  <span className="muted">never</span>
                )}
              </td>
              <td>
                <Status apiKey={apiKey} />
              </td>
              {canManage && (
                <td className="api-keys-table__actions">
                  {apiKey.active && (
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Revoke ${apiKey.name} (${apiKey.prefix})`}
                      onClick={() => ask(apiKey)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
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
