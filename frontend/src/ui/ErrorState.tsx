import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

import './pageMessage.css';

/** A part of a page that failed to load: what failed, the server's reason, and maybe a retry. */
export function ErrorState({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: Error;
  onRetry?: () => void;
}) {
  return (
    <div className="error-state" role="alert">
      <p className="error-state__title">{title}</p>
      <p className="error-state__detail">{error.message}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * A whole page that cannot be shown (nothing at the address, or it failed to load): a heading,
 * one sentence saying why, and one way back. Pass `onRetry` when trying again may help.
 */
export function PageMessage({
  title,
  children,
  back,
  onRetry,
}: {
  title: string;
  children: ReactNode;
  back: { to: string; label: string };
  onRetry?: () => void;
}) {
  return (
    <section className="page-message">
      <title>{`${title} · Tributary`}</title>
      <h1>{title}</h1>
      <p role={onRetry ? 'alert' : undefined}>{children}</p>
      <div className="page-message__actions">
        {onRetry && (
          <button type="button" className="button button--primary" onClick={onRetry}>
            Try again
          </button>
        )}
        <Link to={back.to} className="button">
          {back.label}
        </Link>
      </div>
    </section>
  );
}
