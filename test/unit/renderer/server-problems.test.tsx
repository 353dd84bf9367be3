// @vitest-environment jsdom
import './setup.ts';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { explainProblem, leadOf } from '../../../renderer/lib/explain-error.ts';
import { ServerDetailPage } from '../../../renderer/pages/server-detail-page.tsx';
import { ServersPage } from '../../../renderer/pages/servers-page.tsx';
import { createFakeBridge, emptyState, health, makeServer, NOW } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

/** Issue 11, window item 5: errors lead with the cause and the action; internals behind a disclosure. */

const NOT_FOUND =
  'cannot start "nosuchcmd": command not found on PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/home/ada/.local/bin); install it or use an absolute path';

const stdio = { transport: 'stdio' as const, target: 'nosuchcmd --flag' };
const remote = { transport: 'http' as const, target: 'https://dead.example.test/mcp' };

describe('explainProblem', () => {
  it('a missing command: names the command and the fix, keeps the PATH for the details', () => {
    const p = explainProblem({ message: NOT_FOUND, code: 'UPSTREAM_UNAVAILABLE' }, stdio);
    expect(p.cause).toBe('The command “nosuchcmd” was not found on this machine.');
    expect(p.action).toMatch(/^Install it, or enter its full path/);
    expect(p.cause + p.action).not.toContain('/usr/bin');
    expect(p.details).toBe(NOT_FOUND);
    expect(p.fixIn).toBe('edit');
  });

  it('a dead URL: "could not reach" the host, not "Version negotiation probe failed"', () => {
    const p = explainProblem(
      { message: 'Version negotiation probe failed: fetch failed', code: 'UPSTREAM_UNAVAILABLE' },
      remote,
    );
    expect(p.cause).toBe('Switchboard could not reach dead.example.test.');
    expect(p.action).toMatch(/Check the URL/);
    expect(p.details).toMatch(/Version negotiation/);
  });

  it('needs setup and sign-in point at their tabs', () => {
    expect(explainProblem({ message: 'missing API_KEY', code: 'NEEDS_CONFIG' }, stdio).fixIn).toBe(
      'variables',
    );
    expect(explainProblem({ message: '401', code: 'NEEDS_AUTH' }, remote).fixIn).toBe('auth');
  });

  it('falls back to the first clause of the message, never the whole tail', () => {
    expect(leadOf('something odd happened; here is a stack (with details)')).toBe('Something odd happened.');
  });
});

function stateWith(server: ReturnType<typeof makeServer>) {
  const state = emptyState();
  state.servers = [server];
  return createFakeBridge({ state });
}

describe('the server page and list', () => {
  it('lead with the cause; the PATH is behind Details; no raw state, no latency for a server that never answered', async () => {
    const bridge = stateWith(
      makeServer('broken', {
        name: 'Broken',
        target: 'nosuchcmd',
        health: health('unhealthy', {
          latencyMs: 3,
          lastError: { message: NOT_FOUND, code: 'UPSTREAM_UNAVAILABLE', at: NOW - 5_000 },
        }),
        detail: { upstreamState: 'backoff' },
      }),
    );
    renderWithBridge(<ServerDetailPage prefix="broken" tab={undefined} />, bridge);
    const problem = await screen.findByRole('region', { name: 'What went wrong' });
    expect(within(problem).getByText('The command “nosuchcmd” was not found on this machine.')).toBeVisible();
    const details = problem.querySelector('details');
    expect(details).not.toBeNull();
    expect(details?.open).toBe(false);
    expect(within(details as HTMLElement).getByText(NOT_FOUND)).toBeInTheDocument();
    const status = screen.getByRole('region', { name: 'Status' });
    expect(status).not.toHaveTextContent('backoff');
    expect(status).toHaveTextContent('Failed; trying again shortly');
    expect(status).toHaveTextContent('— (no answer yet)');
    expect(status).not.toHaveTextContent('3 ms');
  });

  it('mutes an error from before the server became healthy again', async () => {
    const bridge = stateWith(
      makeServer('echo', {
        name: 'Echo',
        health: health('healthy', {
          since: NOW - 60_000,
          lastError: { message: NOT_FOUND, code: 'UPSTREAM_UNAVAILABLE', at: NOW - 17 * 60_000 },
        }),
      }),
    );
    renderWithBridge(<ServerDetailPage prefix="echo" tab={undefined} />, bridge);
    await screen.findByRole('region', { name: 'Status' });
    expect(screen.queryByRole('region', { name: 'What went wrong' })).toBeNull();
    const earlier = screen.getByText('Earlier problem (resolved)');
    expect(earlier.closest('details')?.open).toBe(false);
    expect(screen.getByRole('region', { name: 'Status' })).toHaveTextContent('42 ms');
  });

  it('the list shows the cause in one line, not the message with its PATH', async () => {
    const bridge = stateWith(
      makeServer('broken', {
        name: 'Broken',
        target: 'nosuchcmd',
        health: health('unhealthy', {
          lastError: { message: NOT_FOUND, code: 'UPSTREAM_UNAVAILABLE', at: NOW },
        }),
      }),
    );
    renderWithBridge(<ServersPage />, bridge);
    const row = (await screen.findByRole('link', { name: 'Broken' })).closest('li') as HTMLElement;
    expect(row).toHaveTextContent('The command “nosuchcmd” was not found on this machine.');
    expect(row).not.toHaveTextContent('/usr/bin');
  });

  it('"Check now" says it is checking, then what it found', async () => {
    const bridge = stateWith(makeServer('echo', { name: 'Echo' }));
    let finish: () => void = () => {};
    bridge.handle(
      'health.check',
      (_input, state) => new Promise((resolve) => (finish = () => resolve(state.servers[0]?.summary.health))),
    );
    const { user } = renderWithBridge(<ServerDetailPage prefix="echo" tab={undefined} />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Check now' }));
    expect(screen.getByRole('button', { name: 'Checking…' })).toBeDisabled();
    expect(screen.getByText('Checking Echo…')).toBeInTheDocument();
    finish();
    expect(await screen.findByText('Checked just now: Healthy.')).toBeInTheDocument();
  });
});
