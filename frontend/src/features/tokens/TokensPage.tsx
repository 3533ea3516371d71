import { useRef, useState } from 'react';
import { Link } from 'react-router-dom';

import { useTokens, type AuthTokenCreated } from '../../api/tokens';
import { ListSection } from '../../ui/ListSection';
import { PageHeader } from '../../ui/PageHeader';
import { Section } from '../../ui/Section';
import '../apiKeys/apiKeys.css';
import { CreateTokenForm } from './CreateTokenForm';
import { NewTokenPanel } from './NewTokenPanel';
import { TokenList } from './TokenList';
import './tokens.css';

/** /account/tokens — the signed-in user's API tokens: list, create (shown once), revoke. */
export function TokensPage() {
  const tokens = useTokens();
  const [created, setCreated] = useState<AuthTokenCreated | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  function dismiss() {
    setCreated(null);
    heading.current?.focus();
  }

  return (
    <div className="page">
      <title>API tokens · Tributary</title>
      <PageHeader
        eyebrow={<Link to="/">Your account</Link>}
        title="API tokens"
        titleRef={heading}
        titleClassName="tokens-title"
      />
      <p className="muted tokens-intro">
        Scripts and the command line act as you with an API token, sent as{' '}
        <span className="mono">Authorization: Token …</span>. Each one expires; revoke one as soon
        as it is no longer needed or may have leaked. Signing out with a token revokes it too.
      </p>
      {created && <NewTokenPanel created={created} onDone={dismiss} />}
      <div className="tokens-layout">
        <ListSection
          title="Tokens"
          noun="API tokens"
          countNoun="tokens"
          query={tokens}
          empty={{
            title: 'No API tokens',
            text: 'Create one for a script, or get one from POST /api/v1/auth/token/.',
          }}
        >
          {(list) => <TokenList tokens={list.results} />}
        </ListSection>
        <Section title="New token">
          <CreateTokenForm onCreated={setCreated} />
        </Section>
      </div>
    </div>
  );
}
