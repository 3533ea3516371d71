import { useNavigate } from 'react-router-dom';

import { useSignOut } from '../../api/auth';

export function SignOutButton() {
  const signOut = useSignOut();
  const navigate = useNavigate();

  return (
    <>
      {signOut.isError && (
        <span className="app-header__error" role="alert">
          {signOut.error.message}
        </span>
      )}
      <button
        type="button"
        className="button button--ghost"
        disabled={signOut.isPending}
        onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate('/') })}
      >
        Sign out
      </button>
    </>
  );
}
