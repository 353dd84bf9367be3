import { describe, expect, it } from 'vitest';
import { registerContractIpc, windowEventSink } from '../../../main/app/ipc-registration.ts';
import { isAppUrl } from '../../../main/app/window-security.ts';
import { createContractDispatcher } from '../../../main/ipc/dispatcher.ts';
import type { HandlerTable } from '../../../main/ipc/handler-types.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../../preload/contract/index.ts';

const origin = { rendererDirUrl: 'file:///app/out/renderer/' };
const APP = 'file:///app/out/renderer/index.html';

/** A fake ipcMain that keeps the handler so tests can invoke it as a frame would. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  return {
    handlers,
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => {
      handlers.delete(channel);
    },
  };
}

function setup() {
  const calls: unknown[] = [];
  const handlers = {
    'servers.get': (input: unknown) => {
      calls.push(input);
      throw Object.assign(new Error('x'), {});
    },
    'gateway.status': () => ({ state: 'running', url: 'u', port: 1, configuredPort: 1, sessions: 0 }),
  } as unknown as HandlerTable;
  const dispatch = createContractDispatcher(handlers, { redact: (t) => t });
  const ipcMain = fakeIpcMain();
  const unregister = registerContractIpc({
    ipcMain: ipcMain as never,
    dispatch,
    isTrustedUrl: (url) => isAppUrl(url, origin),
  });
  const invoke = (frame: { url: string; parent: unknown } | null, name: unknown, input: unknown) =>
    ipcMain.handlers.get(IPC_INVOKE_CHANNEL)!({ senderFrame: frame }, name, input);
  return { invoke, calls, ipcMain, unregister };
}

describe('registerContractIpc', () => {
  it('registers exactly the contract invoke channel', () => {
    const { ipcMain, unregister } = setup();
    expect([...ipcMain.handlers.keys()]).toEqual([IPC_INVOKE_CHANNEL]);
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('answers our own top-level frame', async () => {
    const { invoke } = setup();
    expect(await invoke({ url: APP, parent: null }, 'gateway.status', {})).toEqual({
      ok: true,
      value: { state: 'running', url: 'u', port: 1, configuredPort: 1, sessions: 0 },
    });
  });

  it('refuses other senders: foreign pages, sub-frames, no frame', async () => {
    const { invoke, calls } = setup();
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/evil.html', parent: null },
      { url: APP, parent: {} },
      null,
    ]) {
      expect(await invoke(frame, 'servers.get', { prefix: 'x' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(calls).toEqual([]);
  });

  it('gets VALIDATION for invalid input without running the handler', async () => {
    const { invoke, calls } = setup();
    expect(await invoke({ url: APP, parent: null }, 'servers.get', { prefix: '' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { issues: [{ path: ['prefix'] }] } },
    });
    expect(await invoke({ url: APP, parent: null }, 42, {})).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(calls).toEqual([]);
  });
});

describe('windowEventSink', () => {
  it('sends events on the one event channel to a live window only', () => {
    const sent: unknown[][] = [];
    let destroyed = false;
    const sink = windowEventSink(() => ({
      send: (...args: unknown[]) => void sent.push(args),
      isDestroyed: () => destroyed,
    }));
    sink('servers.changed', { prefix: 'a' });
    destroyed = true;
    sink('servers.changed', { prefix: 'b' });
    windowEventSink(() => undefined)('gateway.changed', {});
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, 'servers.changed', { prefix: 'a' }]]);
  });
});
