// @vitest-environment jsdom
import './setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ServersPage } from '../../../renderer/pages/servers-page.tsx';
import { createFakeBridge, emptyState, health, makeServer } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

/**
 * Issue 11, window item 1: a server just added must show in the list without a reload. After an add the
 * window is on the new server's page (the list is not mounted), main sends servers.changed, then a burst of
 * health.changed; the health writes must not make the stale cached list look fresh again.
 */

let show: (visible: boolean) => void = () => {};
function ListOrElsewhere() {
  const [visible, setVisible] = useState(true);
  show = setVisible;
  return visible ? <ServersPage /> : <p>somewhere else</p>;
}

describe('the server list stays true to main', () => {
  it('shows a server added while the list was not on screen, despite health events after the change', async () => {
    const state = emptyState();
    state.servers = [makeServer('files', { name: 'Filesystem' })];
    const bridge = createFakeBridge({ state });
    renderWithBridge(<ListOrElsewhere />, bridge);
    await screen.findByRole('link', { name: 'Filesystem' });

    act(() => show(false));
    bridge.state.servers.push(makeServer('echo', { name: 'Echo', health: health('starting') }));
    act(() => {
      bridge.emit('servers.changed', { prefix: 'echo' });
      bridge.emit('health.changed', { prefix: 'echo', health: health('starting') });
      bridge.emit('health.changed', { prefix: 'files', health: health('healthy') });
      bridge.emit('health.changed', { prefix: 'echo', health: health('healthy') });
    });
    act(() => show(true));

    const list = await screen.findByRole('list', { name: 'Servers' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    expect(within(list).getByRole('link', { name: 'Echo' })).toBeInTheDocument();
  });

  it('fetches the list again when a health event names a server it does not have', async () => {
    const state = emptyState();
    state.servers = [makeServer('files', { name: 'Filesystem' })];
    const bridge = createFakeBridge({ state });
    renderWithBridge(<ServersPage />, bridge);
    await screen.findByRole('link', { name: 'Filesystem' });
    // An add whose servers.changed was lost (another window, a stream that reconnected late).
    bridge.state.servers.push(makeServer('late', { name: 'Late arrival' }));
    act(() => bridge.emit('health.changed', { prefix: 'late', health: health('healthy') }));
    expect(await screen.findByRole('link', { name: 'Late arrival' })).toBeInTheDocument();
  });
});
