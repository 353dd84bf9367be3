// @vitest-environment jsdom
import './setup.ts';
import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/app.tsx';
import { createFakeBridge, emptyState, health, makeServer } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

/** Issue 11, window item 2: when the hub goes away the window says so, and after a restart what to do. */

function setup(mode: 'web' | 'desktop' = 'web') {
  history.replaceState(null, '', '#/servers');
  const state = emptyState();
  state.mode = mode;
  state.servers = [makeServer('echo', { name: 'Echo', health: health('healthy') })];
  return renderWithBridge(<App />, createFakeBridge({ state }));
}

describe('the window without its hub', () => {
  it('shows a lost connection at once: a banner, the sidebar, and badges marked as last known', async () => {
    const { bridge } = setup();
    await screen.findByRole('img', { name: 'Health: Healthy, answering normally' });
    expect(await screen.findByRole('link', { name: /^Gateway running/ })).toBeInTheDocument();
    act(() => bridge.setConnection('lost'));
    expect(screen.getByRole('alert')).toHaveTextContent('Lost the connection to Switchboard');
    expect(screen.getByRole('alert')).toHaveTextContent('open the new address it prints');
    expect(screen.getByRole('link', { name: 'Connection lost' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /^Gateway running/ })).toBeNull();
    expect(
      screen.getByRole('img', { name: /^Health: Healthy.*last known: no connection to Switchboard/ }),
    ).toBeInTheDocument();
    // Back: everything as before.
    act(() => bridge.setConnection('connected'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('img', { name: 'Health: Healthy, answering normally' })).toBeInTheDocument();
  });

  it('after a restart (the page is refused) says to open the new address, instead of a page of false claims', async () => {
    const { bridge } = setup();
    await screen.findByRole('link', { name: 'Echo' });
    act(() => bridge.setConnection('ended'));
    expect(
      screen.getByRole('heading', { level: 1, name: 'Switchboard was restarted: open its new address' }),
    ).toBeInTheDocument();
    expect(screen.getByText(/switchboard serve --ui/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Echo' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Disconnected' })).toBeInTheDocument();
  });
});
