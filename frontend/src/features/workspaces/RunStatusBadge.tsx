import type { RunStatus } from '../../api/types';
import { Badge, type Tone } from '../../ui/Badge';

const TONES: Record<RunStatus, Tone> = {
  queued: 'neutral',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'warning',
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return <Badge tone={TONES[status] ?? 'neutral'}>{status}</Badge>;
}
