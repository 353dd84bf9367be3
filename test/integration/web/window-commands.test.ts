import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventPayload } from '../../../preload/contract/events.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import { echoDefinition, startRealHub, type RealHub } from '../ipc/real-hub.ts';

/**
 * What issue 11's window items need from the contract, over a real hub (real pool, real fixture servers):
 * a tool call followed by progress events and cancelled by id (the upstream sees it), values and a held
 * snippet's secrets stored with a new server, plain values shown, secrets never.
 */

// The snippet parser passes the import plan's secret values through to main (main/clients/snippet.ts); this
// stands in for it with a fixed answer, so the test is about the handle, not the parsing.
vi.mock('../../../main/clients/snippet.ts', () => ({
  parseServerSnippet: () => ({
    definitions: [
      {
        transport: 'stdio',
        prefix: 'pasted',
        name: 'Pasted echo',
        command: process.execPath,
        args: [FIXTURES.echo],
        envVars: [{ name: 'PASTED_TOKEN', required: true, secret: true }],
      },
    ],
    secretNames: ['PASTED_TOKEN'],
    skipped: [],
    renamed: [],
    secrets: [{ prefix: 'pasted', name: 'PASTED_TOKEN', value: 'pasted-secret-value-0001' }],
  }),
}));

let h: RealHub;
const recordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-slow-record-'));
const record = path.join(recordDir, 'record.jsonl');

beforeAll(async () => {
  h = await startRealHub({ health: false });
});
afterAll(async () => {
  await h?.close();
  fs.rmSync(recordDir, { recursive: true, force: true });
});

async function ok<T>(command: string, input: unknown): Promise<T> {
  const result = await h.dispatch(command, input);
  if (!result.ok) throw new Error(`${command}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('tools.call with a callId', () => {
  it('sends progress events and is cancelled by tools.cancel, which reaches the upstream', async () => {
    await ok('servers.add', {
      definition: {
        prefix: 'slow',
        name: 'Slow',
        transport: 'stdio',
        command: process.execPath,
        args: [FIXTURES.slow],
        env: { SLOW_RECORD: record },
      },
    });
    const progress: EventPayload<'tools.progress'>[] = [];
    const off = h.runtime.on('tools.progress', (payload) => progress.push(payload));
    const callId = 'call-0123456789';
    const call = ok<{ isError: boolean; cancelled?: boolean }>('tools.call', {
      prefix: 'slow',
      tool: 'sleep',
      arguments: { ms: 30_000, steps: 60 },
      callId,
    });
    await vi.waitFor(() => expect(progress.length).toBeGreaterThan(0), { timeout: 30_000, interval: 50 });
    expect(progress[0]).toMatchObject({ callId, progress: 1, total: 60 });
    expect(await ok('tools.cancel', { callId })).toEqual({ cancelled: true });
    const result = await call;
    off();
    expect(result.cancelled).toBe(true);
    expect(result.isError).toBe(true);
    await vi.waitFor(
      () => expect(fs.readFileSync(record, 'utf8')).toMatch(/"event":"cancelled","tool":"sleep"/),
      { timeout: 20_000, interval: 100 },
    );
    // Over: nothing left to cancel.
    expect(await ok('tools.cancel', { callId })).toEqual({ cancelled: false });
  }, 90_000);

  it('refuses a second call under a callId that is still running', async () => {
    const callId = 'call-dup-0123456789';
    const first = ok('tools.call', { prefix: 'slow', tool: 'hang', arguments: {}, callId });
    await vi.waitFor(() => expect(fs.existsSync(record)).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await h.dispatch('tools.call', { prefix: 'slow', tool: 'hang', arguments: {}, callId });
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await ok('tools.cancel', { callId });
    await first;
  }, 60_000);
});

describe('servers.add with values', () => {
  it('stores the values typed in the add form with the server; plain ones are shown, secrets never', async () => {
    await ok('servers.add', {
      definition: echoDefinition('valued', {
        envVars: [
          { name: 'API_KEY', required: true, secret: true },
          { name: 'REGION', required: false, secret: false },
        ],
      }),
      values: { API_KEY: 'typed-secret-value-0002', REGION: 'eu-west-1' },
    });
    const detail = await ok<{
      summary: { health: { status: string } };
      variables: { name: string; isSet: boolean; value?: string }[];
    }>('servers.get', { prefix: 'valued' });
    expect(detail.variables).toEqual([
      expect.objectContaining({ name: 'API_KEY', isSet: true }),
      expect.objectContaining({ name: 'REGION', isSet: true, value: 'eu-west-1' }),
    ]);
    expect(detail.variables[0]).not.toHaveProperty('value');
    expect(JSON.stringify(detail)).not.toContain('typed-secret-value-0002');
    expect(detail.summary.health.status).not.toBe('needs_config');
  });

  it("stores a pasted snippet's secret through the handle, without the window ever holding the value", async () => {
    const parsed = await ok<{
      definitions: Record<string, unknown>[];
      held: ({ handle: string; names: string[] } | null)[];
    }>('servers.parseSnippet', { text: '{"mcpServers": {}}' });
    expect(JSON.stringify(parsed)).not.toContain('pasted-secret-value-0001');
    const held = parsed.held[0];
    expect(held?.names).toEqual(['PASTED_TOKEN']);
    await ok('servers.add', { definition: parsed.definitions[0], heldSecrets: held?.handle });
    const detail = await ok<{ variables: { name: string; isSet: boolean }[] }>('servers.get', {
      prefix: 'pasted',
    });
    expect(detail.variables).toEqual([expect.objectContaining({ name: 'PASTED_TOKEN', isSet: true })]);
    // The value reached the server's environment.
    const env = await ok<{ content: { text: string }[] }>('tools.call', {
      prefix: 'pasted',
      tool: 'env',
      arguments: { names: 'PASTED_TOKEN' },
    });
    // Redacted on its way back to the window: the value is a secret.
    expect(env.content[0]?.text).toContain('"PASTED_TOKEN":"[REDACTED:vault-secret]"');
    // A handle works once.
    const again = await h.dispatch('servers.add', {
      definition: { ...parsed.definitions[0], prefix: 'pasted-again' },
      heldSecrets: held?.handle,
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!again.ok) expect(again.error.message).toMatch(/no longer kept/);
  }, 60_000);
});
