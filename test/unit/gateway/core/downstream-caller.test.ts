import type { Server, ServerContext } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { createDownstreamCaller, levelAllows } from '../../../../main/gateway/core/downstream-caller.ts';

describe('levelAllows', () => {
  it('passes everything without a minimum', () => {
    expect(levelAllows(undefined, 'debug')).toBe(true);
  });

  it('filters by severity', () => {
    expect(levelAllows('warning', 'info')).toBe(false);
    expect(levelAllows('warning', 'warning')).toBe(true);
    expect(levelAllows('warning', 'emergency')).toBe(true);
  });

  it('lets unknown levels through rather than hide them', () => {
    expect(levelAllows('warning', 'weird')).toBe(true);
    expect(levelAllows('weird', 'debug')).toBe(true);
  });
});

describe('createDownstreamCaller', () => {
  const notes: unknown[] = [];
  const ctx = {
    mcpReq: { notify: async (n: unknown) => void notes.push(n), send: async () => ({}) },
  } as unknown as ServerContext;
  const server = { getClientCapabilities: () => ({ sampling: {} }) } as unknown as Server;
  const make = (era: 'legacy' | 'modern', aggregate = true) =>
    createDownstreamCaller({
      sessionKey: 'sess',
      server,
      ctx,
      era,
      prefix: 'fs',
      aggregate,
      logLevel: () => 'info',
    });

  it('names its session and its own request (a fresh id per caller)', () => {
    const a = make('legacy');
    const b = make('legacy');
    expect(a.sessionKey).toBe('sess');
    expect(a.callId).not.toBe(b.callId);
    expect(a.capabilities).toEqual({ sampling: true, elicitation: false, roots: false });
  });

  it('declares nothing in the modern era, where requests cannot carry questions', () => {
    expect(make('modern').capabilities).toEqual({ sampling: false, elicitation: false, roots: false });
  });

  it('forwards logs at or above the session level, named by server in the aggregate', async () => {
    notes.length = 0;
    const caller = make('legacy');
    caller.log?.({ level: 'debug', data: 'hidden' });
    caller.log?.({ level: 'error', logger: 'db', data: 'shown' });
    make('legacy', false).log?.({ level: 'info', logger: 'db', data: 'plain' });
    await Promise.resolve();
    expect(notes).toEqual([
      { method: 'notifications/message', params: { level: 'error', logger: 'fs/db', data: 'shown' } },
      { method: 'notifications/message', params: { level: 'info', logger: 'db', data: 'plain' } },
    ]);
  });
});
