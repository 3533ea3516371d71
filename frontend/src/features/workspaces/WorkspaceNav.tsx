import { NavLink, useMatch } from 'react-router-dom';

import './workspaceNav.css';

const SECTIONS = [
  { to: '', label: 'Overview', end: true },
  { to: '/datasets', label: 'Datasets', end: false },
  { to: '/runs', label: 'Runs', end: false },
  { to: '/models', label: 'Models', end: false },
  { to: '/api-keys', label: 'API keys', end: false },
];

/** The sections of the current workspace, under the header on every /w/:slug page. */
export function WorkspaceNav() {
  const slug = useMatch('/w/:slug/*')?.params.slug;
  if (!slug) {
    return null;
  }
  return (
    <nav className="workspace-nav" aria-label="Workspace sections">
      <ul>
        {SECTIONS.map((section) => (
          <li key={section.label}>
            <NavLink to={`/w/${slug}${section.to}`} end={section.end}>
              {section.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
