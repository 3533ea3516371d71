import type { Role } from '../../api/types';

/** Owners and editors change a workspace's contents; viewers only read them (as the API enforces). */
function canEdit(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'editor';
}

/** Create and revoke API keys; viewers only list them. */
export const canManageApiKeys = canEdit;

/** Move a model version to another stage; viewers only see the stage. */
export const canSetModelStage = canEdit;
