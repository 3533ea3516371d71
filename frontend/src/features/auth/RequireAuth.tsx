import type { ReactNode } from 'react';

import { useMe } from '../../api/auth';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/Loading';
import { SignInPage } from './SignInPage';

/** Renders its children for a signed-in user and the sign-in page for anyone else, at any URL. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();

  if (me.isPending) {
    return (
      <main className="page-message">
        <Loading label="Loading Tributary…" />
      </main>
    );
  }
  if (me.isError) {
    return (
      <main className="page-message">
        <ErrorState
          title="Tributary is not answering"
          error={me.error}
          onRetry={() => void me.refetch()}
        />
      </main>
    );
  }
  if (!me.data) {
    return <SignInPage />;
  }
  return children;
}
