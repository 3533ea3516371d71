import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { makeStep } from './testRuns';
import { Timeline } from './Timeline';

describe('Timeline', () => {
  it('gives each row its whole label on hover and to screen readers', () => {
    const label = 'Train neural network (PyTorch, with early stopping)';
    render(
      <Timeline
        steps={[
          makeStep('train', {
            status: 'succeeded',
            started_at: '2026-01-01T00:00:00Z',
            finished_at: '2026-01-01T00:00:05Z',
          }),
        ]}
        labels={new Map([['train', label]])}
        now={Date.parse('2026-01-01T00:00:10Z')}
        selected={null}
        onSelect={vi.fn()}
      />,
    );

    const row = screen.getByRole('button', {
      name: new RegExp(`^${label.replace(/[()]/g, '\\$&')}:`),
    });
    expect(screen.getByText(label)).toHaveAttribute('title', label);
    expect(row).toContainElement(screen.getByText(label));
  });
});
