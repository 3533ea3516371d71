import type { Role } from '../../api/types';
import { useWorkspaces } from '../../api/workspaces';

/** The signed-in user's role in workspace `slug`; null while loading or when not a member. */
export function useWorkspaceRole(slug: string): Role | null {
  const workspaces = useWorkspaces();
  return workspaces.data?.results.find((workspace) => workspace.slug === slug)?.role ?? null;
}
