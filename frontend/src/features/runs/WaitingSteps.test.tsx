import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { mockApi, takeUnexpectedRequests } from '../../test/mockApi';
import { useStepWaits, type StepWait } from './useStepWaits';
import { WaitingLine, WaitingSteps } from './WaitingSteps';

const WAITING = 'GET /api/v1/workspaces/demo/runs/7/waiting/';

function wait(overrides: Partial<StepWait> = {}): StepWait {
  return {
    step_id: 1,
    node_id: 'train',
    queue: 'cpu',
    position: 3,
    queued_ahead: 2,
    broker_depth: 3,
    workers: 2,
    idle_workers: 0,
    reason: 'all_busy',
    message: 'Waiting: 3rd in queue cpu · 2 workers, all busy',
    ...overrides,
  };
}

function Waits({ queued }: { queued: boolean }) {
  const waits = useStepWaits('demo', 7, queued);
  return (
    <WaitingSteps
      waits={waits.byNode}
      labels={new Map([['train', 'Train forest']])}
      error={waits.error}
    />
  );
}

function renderWaits(queued: boolean) {
  return render(
    <Providers client={createQueryClient()}>
      <Waits queued={queued} />
    </Providers>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  expect(takeUnexpectedRequests()).toEqual([]);
});

describe('WaitingLine', () => {
  it('says the place in the queue and that every worker is busy', () => {
    render(<WaitingLine wait={wait()} />);
    expect(screen.getByText('Waiting: 3rd in queue cpu · 2 workers, all busy')).toBeInTheDocument();
    expect(screen.getByText(/all busy/)).not.toHaveClass('waiting-line--blocked');
  });

  it.each([
    ['no_worker', 'No worker listens on queue gpu'],
    ['broker_unreachable', 'Waiting: 1st in queue cpu · the broker cannot be reached: refused'],
    ['database_full', 'Waiting: 1st in queue cpu · the database accepts no more connections'],
    ['retrying', 'Waiting: 1st in queue cpu · w1 retries it in 42 s'],
  ] as const)('marks a step no worker can take (%s)', (reason, message) => {
    render(<WaitingLine wait={wait({ reason, message })} />);
    expect(screen.getByText(message)).toHaveClass('waiting-line--blocked');
  });
});

describe('useStepWaits with WaitingSteps', () => {
  it('asks why queued steps wait and shows each under its node label', async () => {
    const fetchMock = mockApi({
      [WAITING]: {
        body: {
          run: 7,
          steps: [
            wait({
              queue: 'gpu',
              reason: 'no_worker',
              message: 'No worker listens on queue gpu',
            }),
          ],
        },
      },
    });
    renderWaits(true);
    const status = await screen.findByRole('status', { name: 'Why steps wait' });
    expect(status).toHaveTextContent('Train forest: No worker listens on queue gpu');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('asks nothing while no step is queued', () => {
    const fetchMock = mockApi({});
    renderWaits(false);
    expect(screen.queryByRole('status', { name: 'Why steps wait' })).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('says when the explanation could not be read', async () => {
    mockApi({
      [WAITING]: { status: 404, body: { message: 'run 7 not found', code: 'not_found' } },
    });
    renderWaits(true);
    expect(
      await screen.findByText('Could not ask why steps wait: run 7 not found'),
    ).toBeInTheDocument();
  });
});
