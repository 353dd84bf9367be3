// @vitest-environment jsdom
import './setup.ts';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HEALTH_STATUSES } from '../../../preload/contract/index.ts';
import { HealthBadge, HEALTH_LOOK } from '../../../renderer/components/health-badge.tsx';

describe('HealthBadge', () => {
  it.each(HEALTH_STATUSES)('shows words and an accessible label for %s', (status) => {
    const { container } = render(<HealthBadge status={status} />);
    const badge = screen.getByRole('img', { name: new RegExp(`^Health: ${HEALTH_LOOK[status].label},`) });
    expect(badge).toHaveAttribute('data-status', status);
    // Visible text, not color alone.
    expect(container.textContent?.trim()).toBe(HEALTH_LOOK[status].label);
    // An icon shape as well.
    expect(container.querySelector('svg')).not.toBeNull();
  });

  it('gives every status a different label', () => {
    const labels = new Set(HEALTH_STATUSES.map((s) => HEALTH_LOOK[s].label));
    expect(labels.size).toBe(HEALTH_STATUSES.length);
  });

  it('says why a server is degraded', () => {
    render(<HealthBadge status="degraded" degradedBy="slow" />);
    expect(screen.getByRole('img', { name: 'Health: Degraded, slow answers' })).toHaveTextContent(
      'Degraded · slow',
    );
  });
});
