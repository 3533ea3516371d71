import { useId, type FormEvent } from 'react';

import { useSignIn } from '../../api/auth';
import { Logo } from '../../ui/Logo';

/** Username and password form; a rejected sign-in shows the server's message. */
export function SignInPage() {
  const signIn = useSignIn();
  const id = useId();
  const headingId = `${id}-heading`;
  const errorId = `${id}-error`;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({
      username: String(form.get('username') ?? '').trim(),
      password: String(form.get('password') ?? ''),
    });
  }

  const failed = signIn.isError;

  return (
    <main className="auth-page">
      <title>Sign in · Tributary</title>
      <div className="auth-card">
        <div className="auth-card__brand">
          <Logo size={36} />
          <span>Tributary</span>
        </div>
        <h1 id={headingId}>Sign in</h1>
        <p className="muted">Design, run and publish machine-learning pipelines.</p>
        <form className="form" aria-labelledby={headingId} onSubmit={onSubmit}>
          <div className="field">
            <label htmlFor={`${id}-username`}>Username</label>
            <input
              id={`${id}-username`}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
              aria-invalid={failed || undefined}
              aria-describedby={failed ? errorId : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={failed || undefined}
              aria-describedby={failed ? errorId : undefined}
            />
          </div>
          {failed && (
            <p id={errorId} className="form-error" role="alert">
              {signIn.error.message}
            </p>
          )}
          <button type="submit" className="button button--primary" disabled={signIn.isPending}>
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
