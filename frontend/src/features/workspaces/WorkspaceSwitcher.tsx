import { useId } from 'react';
import { Link, useMatch, useNavigate } from 'react-router-dom';

import { useWorkspaces } from '../../api/workspaces';

/** The header's workspace picker: choosing one opens its home page. */
export function WorkspaceSwitcher() {
  const id = useId();
  const navigate = useNavigate();
  const current = useMatch('/w/:slug/*')?.params.slug;
  const workspaces = useWorkspaces();
  const list = workspaces.data?.results ?? [];
  const selected = list.some((workspace) => workspace.slug === current) ? current : '';

  let placeholder = 'Choose a workspace';
  if (workspaces.isPending) {
    placeholder = 'Loading…';
  } else if (workspaces.isError) {
    placeholder = 'Unavailable';
  } else if (list.length === 0) {
    placeholder = 'No workspaces';
  }

  return (
    <div className="switcher">
      <label htmlFor={id}>Workspace</label>
      <select
        id={id}
        value={selected}
        disabled={list.length === 0}
        onChange={(event) => navigate(`/w/${event.target.value}`)}
      >
        {selected === '' && (
          <option value="" disabled>
            {placeholder}
          </option>
        )}
        {list.map((workspace) => (
          <option key={workspace.slug} value={workspace.slug}>
            {workspace.name}
          </option>
        ))}
      </select>
      <Link to="/workspaces/new" className="button button--ghost">
        New workspace
      </Link>
    </div>
  );
}
