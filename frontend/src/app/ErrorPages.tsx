import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <section className="page-message">
      <title>Not found · Tributary</title>
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/" className="button">
        Go to your workspaces
      </Link>
    </section>
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
