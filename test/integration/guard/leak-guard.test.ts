import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_AWS_KEY, GUARD_FIXTURES } from '../../fixtures/servers/guard-fixtures.ts';
import type { GuardHub } from '../pins/guard-hub.ts';
import { callTool, connectClient, eventually, startGuardHub, textOf } from '../pins/guard-hub.ts';

/**
 * Issue 14's acceptance for the secret-leak guard, against a real hub, vault and SDK client: a server returns
 * a vault secret of ANOTHER server, its base64 form and a fake cloud key; the client receives markers, the
 * call log records three hits, and no log line, call-log row or error holds a value. Arguments carrying
 * another server's secret never reach the server. Assertions on canaries are booleans, so a failure cannot
 * print one either.
 */

const SECRET_B = 'canary-vault-B-5rT9qLw2Zx7Kp3Vn';
const NEW_SECRET_B = 'canary-vault-B2-8Jm4Hs6Yd1Qc9Wf';
const forms = (value: string) => [value, Buffer.from(value).toString('base64')];
const CANARIES = [...forms(SECRET_B), ...forms(NEW_SECRET_B), FAKE_AWS_KEY];

let h: GuardHub;
let secretFile: string;
let recordFile: string;

beforeAll(async () => {
  h = await startGuardHub();
  secretFile = path.join(h.root, 'leaked-secret.txt');
  recordFile = path.join(h.root, 'received-arguments.jsonl');
  fs.writeFileSync(secretFile, SECRET_B);
  // Server B owns the secret (a secret variable in the vault); it never has to run.
  await h.hub.useCases.servers.add(
    {
      prefix: 'vaulted',
      name: 'Vaulted',
      transport: 'stdio',
      command: process.execPath,
      args: [GUARD_FIXTURES.leak],
      enabled: false,
      envVars: [{ name: 'API_TOKEN', secret: true }],
    },
    { values: { API_TOKEN: SECRET_B } },
  );
  await h.hub.useCases.servers.add({
    prefix: 'leaky',
    name: 'Leaky',
    transport: 'stdio',
    command: process.execPath,
    args: [GUARD_FIXTURES.leak, `--secret-file=${secretFile}`, `--record=${recordFile}`],
  });
  const id = h.hub.registry.servers.get('leaky').id;
  await eventually(() => h.hub.registry.toolPins.get(id)?.tools.size === 3, 'the leaky server’s tools');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

/** The call-log rows of `tool` on the leaky server, once written (the writer batches). */
async function rowsOf(tool: string, count: number) {
  return eventually(() => {
    const rows = h.hub.registry.callLog.query({ server: 'leaky' }).filter((r) => r.tool === tool);
    return rows.length >= count ? rows : undefined;
  }, `${count} call-log rows of ${tool}`);
}

const hits = (findings: readonly { count: number }[] | undefined) =>
  (findings ?? []).reduce((n, f) => n + f.count, 0);
const holdsCanary = (text: string) => CANARIES.some((canary) => text.includes(canary));

describe('the leak guard', () => {
  it('redact (default): the client receives markers and the call log records three hits', async () => {
    const c = await connectClient(h);
    try {
      const result = await callTool(c.client, 'leaky__leak');
      const text = textOf(result);
      expect(result.isError).not.toBe(true);
      expect(holdsCanary(JSON.stringify(result))).toBe(false);
      expect(text.split('[REDACTED:vault-secret]').length - 1).toBe(2);
      expect(text).toContain('cloud: [REDACTED:aws-access-key]');
      expect(text).toContain('config dump: token=[REDACTED:vault-secret]');
      const [row] = await rowsOf('leak', 1);
      expect(row!.findings).toEqual([
        { kind: 'vault-secret', count: 2 },
        { kind: 'aws-access-key', count: 1 },
      ]);
      expect(hits(row!.findings)).toBe(3);
      expect(row!.outcome).toBe('ok');
    } finally {
      await c.close();
    }
  });

  it('arguments carrying another server’s secret are redacted before they reach the server', async () => {
    const c = await connectClient(h);
    try {
      const result = await callTool(c.client, 'leaky__echo', { text: `please store ${SECRET_B}` });
      expect(textOf(result)).toBe('please store [REDACTED:other-server-secret]');
      expect(holdsCanary(fs.readFileSync(recordFile, 'utf8'))).toBe(false);
      const [row] = await rowsOf('echo', 1);
      expect(row!.findings).toEqual([{ kind: 'other-server-secret', count: 1 }]);
    } finally {
      await c.close();
    }
  });

  it('learns a secret set after the hub started (the vault changed)', async () => {
    await h.hub.useCases.variables.set('vaulted', 'API_TOKEN', NEW_SECRET_B);
    fs.writeFileSync(secretFile, NEW_SECRET_B);
    const c = await connectClient(h);
    try {
      const result = await callTool(c.client, 'leaky__leak');
      expect(holdsCanary(JSON.stringify(result))).toBe(false);
      expect(textOf(result).split('[REDACTED:vault-secret]').length - 1).toBe(2);
    } finally {
      await c.close();
    }
  });

  it('block: an isError result says why, and blocked arguments never reach the server', async () => {
    await h.hub.useCases.pins.setPolicies('leaky', { leakGuard: 'block' });
    const c = await connectClient(h);
    try {
      const result = await callTool(c.client, 'leaky__leak');
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        /withheld the result of leak from leaky: it held 2 secrets from the vault and 1 aws-access-key credential/,
      );
      const sent = fs.readFileSync(recordFile, 'utf8');
      const refused = await callTool(c.client, 'leaky__echo', { text: `exfil ${NEW_SECRET_B}` });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(
        /stopped this call to echo on leaky: its arguments held 1 secret of another server/,
      );
      expect(fs.readFileSync(recordFile, 'utf8')).toBe(sent);
      expect(holdsCanary(JSON.stringify([result, refused]))).toBe(false);
      const rows = await rowsOf('leak', 3);
      expect(rows[0]!.errorCode).toBe('SECRET_IN_RESULT');
      expect(hits(rows[0]!.findings)).toBe(3);
      expect((await rowsOf('echo', 2))[0]!.errorCode).toBe('EXFILTRATION_BLOCKED');
    } finally {
      await c.close();
    }
  });

  it('off: the server’s traffic passes untouched', async () => {
    await h.hub.useCases.pins.setPolicies('leaky', { leakGuard: 'off' });
    const c = await connectClient(h);
    try {
      const result = await callTool(c.client, 'leaky__leak');
      expect(JSON.stringify(result).includes(NEW_SECRET_B)).toBe(true);
      expect(JSON.stringify(result).includes(FAKE_AWS_KEY)).toBe(true);
    } finally {
      await c.close();
      await h.hub.useCases.pins.setPolicies('leaky', { leakGuard: 'redact' });
    }
  });

  it('no log line, call-log row or stored error holds a value', async () => {
    await rowsOf('leak', 4);
    const db = h.hub.registry.db.connection;
    const callLog = JSON.stringify(db.prepare('SELECT * FROM call_log').all());
    expect(holdsCanary(callLog)).toBe(false);
    expect(holdsCanary(h.logs.join('\n'))).toBe(false);
    expect(holdsCanary(h.hub.useCases.servers.logs('leaky').join('\n'))).toBe(false);
    const health = JSON.stringify(db.prepare('SELECT * FROM health_history').all());
    expect(holdsCanary(health)).toBe(false);
  });
});
