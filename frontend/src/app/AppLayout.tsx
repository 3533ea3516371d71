import { Suspense } from 'react';
import { Link, Outlet } from 'react-router-dom';

import { useMe } from '../api/auth';
import { SignOutButton } from '../features/auth/SignOutButton';
import { OperationsLink } from '../features/operations/OperationsLink';
import { WorkspaceNav } from '../features/workspaces/WorkspaceNav';
import { WorkspaceSwitcher } from '../features/workspaces/WorkspaceSwitcher';
import { Loading } from '../ui/Loading';
import { Logo } from '../ui/Logo';
import { NavigationProgress } from './NavigationProgress';

/** The signed-in frame: header with the workspace switcher and the user, and the page below. */
export function AppLayout() {
  const { data: user } = useMe();

  return (
    <div className="app-shell">
      <NavigationProgress />
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          <Logo />
          <span>Tributary</span>
        </Link>
        <WorkspaceSwitcher />
        <div className="app-header__spacer" />
        <OperationsLink />
        {user && (
          <Link to="/account/tokens" className="app-header__user" title="Your API tokens">
            {user.username}
          </Link>
        )}
        <SignOutButton />
      </header>
      <WorkspaceNav />
      <main id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<Loading label="Loading…" />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
