import { useId } from 'react';
import { Link } from 'react-router-dom';

import { CreateWorkspaceForm } from './CreateWorkspaceForm';

export function NewWorkspacePage() {
  const headingId = useId();
  return (
    <div className="page-narrow">
      <title>New workspace · Tributary</title>
      <h1 id={headingId}>Create workspace</h1>
      <p className="muted">You will be its owner, and can invite editors and viewers.</p>
      <CreateWorkspaceForm labelledBy={headingId} />
      <p>
        <Link to="/">Back to your workspaces</Link>
      </p>
    </div>
  );
}
