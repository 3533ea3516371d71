import { isRouteErrorResponse, useRouteError } from 'react-router-dom';

import { PageMessage } from '../ui/ErrorState';

export function NotFoundPage() {
  return (
    <PageMessage title="Page not found" back={{ to: '/', label: 'Go to your workspaces' }}>
      There is nothing at this address.
    </PageMessage>
  );
}

export function RouteErrorPage() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';

  return (
    <main className="page-message">
      <title>Error · Tributary</title>
      <h1>Something went wrong</h1>
      <p role="alert">{detail}</p>
      <a href="/" className="button">
        Reload Tributary
      </a>
    </main>
  );
}
