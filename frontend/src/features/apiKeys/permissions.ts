import type { Role } from '../../api/types';

/** Editors and owners create and revoke keys; viewers only list them (as the API enforces). */
export function canManageApiKeys(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'editor';
}
