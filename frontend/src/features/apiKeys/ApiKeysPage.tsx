import { useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';

import { useApiKeys, type ApiKeyCreated } from '../../api/apiKeys';
import { Badge } from '../../ui/Badge';
import { ListSection } from '../../ui/ListSection';
import { PageHeader } from '../../ui/PageHeader';
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
      <PageHeader
        eyebrow={<Link to={`/w/${slug}`}>Workspace</Link>}
        title="API keys"
        titleRef={heading}
        titleClassName="api-keys-title"
      >
        {role && <Badge>{role}</Badge>}
      </PageHeader>
      <p className="muted api-keys-intro">
        An application calls a model’s predict endpoint with an API key instead of a user account. A
        key opens predict only, in this workspace, for one model or for all of them.
      </p>
      {created && <NewKeyPanel slug={slug} created={created} onDone={dismiss} />}
      <div className="api-keys-layout">
        <ListSection
          title="Keys"
          noun="API keys"
          countNoun="keys"
          query={keys}
          empty={{
            title: 'No API keys yet',
            text: canManage
              ? 'Create one to let an application call predict.'
              : 'Editors and owners of this workspace can create them.',
          }}
          footer={
            role === 'viewer' && (
              <p className="card__note">
                You are a viewer in this workspace: editors and owners create and revoke keys.
              </p>
            )
          }
        >
          {(list) => <ApiKeyList slug={slug} keys={list.results} canManage={canManage} />}
        </ListSection>
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
