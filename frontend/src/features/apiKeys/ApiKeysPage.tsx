import { useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';

import { useApiKeys, type ApiKeyCreated } from '../../api/apiKeys';
import { Badge } from '../../ui/Badge';
import { Count } from '../../ui/Count';
import { QueryState } from '../../ui/QueryState';
import { Section } from '../../ui/Section';
import { canManageApiKeys } from '../workspaces/permissions';
import { useWorkspaceRole } from '../workspaces/useWorkspaceRole';
import { ApiKeyList } from './ApiKeyList';
import './apiKeys.css';
import { CreateApiKeyForm } from './CreateApiKeyForm';
import { KEY_VARIABLE } from './curlExample';
import { NewKeyPanel } from './NewKeyPanel';
import { PredictExample } from './PredictExample';

/** /w/:slug/api-keys — keys applications call predict with: list, create (shown once), revoke. */
export function ApiKeysPage() {
  const { slug = '' } = useParams();
  const [searchParams] = useSearchParams();
  const keys = useApiKeys(slug);
  const role = useWorkspaceRole(slug);
  const canManage = canManageApiKeys(role);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  function dismiss() {
    setCreated(null);
    heading.current?.focus();
  }

  return (
    <div className="page">
      <title>API keys · Tributary</title>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to={`/w/${slug}`}>Workspace</Link>
          </p>
          <h1 ref={heading} tabIndex={-1} className="api-keys-title">
            API keys
          </h1>
        </div>
        {role && <Badge>{role}</Badge>}
      </div>
      <p className="muted api-keys-intro">
        An application calls a model’s predict endpoint with an API key instead of a user account. A
        key opens predict only, in this workspace, for one model or for all of them.
      </p>
      {created && <NewKeyPanel slug={slug} created={created} onDone={dismiss} />}
      <div className="api-keys-layout">
        <Section title="Keys" meta={<Count value={keys.data?.count} noun="keys" />}>
          <QueryState
            query={keys}
            noun="API keys"
            isEmpty={(page) => page.results.length === 0}
            empty={
              <>
                <p className="empty-state__title">No API keys yet</p>
                <p className="muted">
                  {canManage
                    ? 'Create one to let an application call predict.'
                    : 'Editors and owners of this workspace can create them.'}
                </p>
              </>
            }
          >
            {(list) => <ApiKeyList slug={slug} keys={list.results} canManage={canManage} />}
          </QueryState>
          {role === 'viewer' && (
            <p className="card__note">
              You are a viewer in this workspace: editors and owners create and revoke keys.
            </p>
          )}
        </Section>
        <div className="api-keys-side">
          {canManage && (
            <Section title="New key">
              <CreateApiKeyForm
                slug={slug}
                initialModel={searchParams.get('model') ?? ''}
                onCreated={setCreated}
              />
            </Section>
          )}
          <Section title="Calling predict">
            <div className="api-keys-usage">
              <p className="small">
                Send the key in the <span className="mono">Authorization</span> header. Here it is
                read from <span className="mono">${KEY_VARIABLE}</span>:
              </p>
              <PredictExample
                slug={slug}
                model={searchParams.get('model')}
                apiKey={null}
                label="Example request with an API key"
              />
              <p className="small muted">
                A revoked or unknown key is refused with 401; a key used for another model or
                workspace with 403.
              </p>
            </div>
          </Section>
        </div>
      </div>
    </div>
  );
}
