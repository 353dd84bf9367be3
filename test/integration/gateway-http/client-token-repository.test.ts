import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { createClientTokenRepository } from '../../../main/registry/client-token-repository.ts';
import { hashToken, looksLikeToken } from '../../../main/tokens/token-crypto.ts';
import { createTokenVerifier } from '../../../main/gateway/http/token-verifier.ts';

const dirs: string[] = [];
const opened: RegistryDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-tokens-'));
  dirs.push(dir);
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = { now: () => now };
  const file = path.join(dir, 'switchboard.db');
  const db = openDatabase({ file, clock });
  opened.push(db);
  return {
    db,
    file,
    repo: createClientTokenRepository(db, { clock }),
    advance: (ms: number) => (now += ms),
    clock,
  };
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isSwitchboardError(error) ? error.code : 'not a SwitchboardError';
  }
  return 'did not throw';
};

describe('client token repository (real SQLite)', () => {
  it('creates a token shown once, stores only its hash, lists without it', () => {
    const { db, repo } = setup();
    const { token, info } = repo.create('cursor');
    expect(looksLikeToken(token)).toBe(true);
    expect(info).toMatchObject({ name: 'cursor', lastUsedAt: null, createdAt: '2026-01-01T00:00:00.000Z' });
    const stored = db.connection.prepare('SELECT * FROM client_tokens').all() as Array<
      Record<string, unknown>
    >;
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0]!.token_hash).toBe(hashToken(token));
    expect(repo.list()).toEqual([info]);
    expect(JSON.stringify(repo.list())).not.toContain(hashToken(token));
  });

  it('refuses duplicate names (case-insensitively), bad names and the reserved name', () => {
    const { repo } = setup();
    repo.create('Claude-Desktop');
    expect(codeOf(() => repo.create('claude-desktop'))).toBe('CONFLICT');
    for (const name of ['', ' x', 'a b', '-lead', 'x'.repeat(65), 'bridge', 'BRIDGE', 'new\nline']) {
      expect(codeOf(() => repo.create(name))).toBe('VALIDATION');
    }
  });

  it('revokes by name; the verifier refuses the token at once; ids are never reused', () => {
    const { repo, clock } = setup();
    const verifier = createTokenVerifier({ source: repo, clock });
    const first = repo.create('cursor');
    expect(verifier.verify(first.token)).toEqual({ tokenId: String(first.info.id), clientName: 'cursor' });
    expect(repo.revoke('CURSOR').name).toBe('cursor');
    expect(verifier.verify(first.token)).toBeUndefined();
    expect(codeOf(() => repo.revoke('cursor'))).toBe('NOT_FOUND');
    const second = repo.create('cursor');
    expect(second.info.id).toBeGreaterThan(first.info.id);
  });

  it('records last use through the verifier (throttled)', () => {
    const { repo, clock, advance } = setup();
    const verifier = createTokenVerifier({ source: repo, clock });
    const { token } = repo.create('vscode');
    advance(5_000);
    verifier.verify(token);
    expect(repo.list()[0]!.lastUsedAt).toBe('2026-01-01T00:00:05.000Z');
    advance(10_000);
    verifier.verify(token);
    expect(repo.list()[0]!.lastUsedAt).toBe('2026-01-01T00:00:05.000Z');
    advance(60_000);
    verifier.verify(token);
    expect(repo.list()[0]!.lastUsedAt).toBe('2026-01-01T00:01:15.000Z');
  });

  it('sees tokens created by another process (another connection) without a restart', () => {
    const { repo, file, clock } = setup();
    const verifier = createTokenVerifier({ source: repo, clock });
    const other = openDatabase({ file, clock });
    opened.push(other);
    const { token } = createClientTokenRepository(other, { clock }).create('codex');
    expect(verifier.verify(token)?.clientName).toBe('codex');
  });
});
