import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedTokenSource } from '../../../main/gateway/http/start-local-gateway.ts';
import { createClientTokenRepository } from '../../../main/registry/client-token-repository.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import { createFakeClock, makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';

/**
 * The gateway keeps client tokens in memory (a request never reads the database) and re-reads them when the
 * registry changed: on refresh() — its poll, an unknown token, an in-process revoke — reporting what was revoked.
 */

afterEach(() => removeTempDirs());

describe('cachedTokenSource', () => {
  it('serves from memory, and re-reads after any change, in this process or another', () => {
    const file = path.join(makeTempDir('tokens-cache'), 'switchboard.db');
    const clock = createFakeClock();
    const database = openDatabase({ file, clock });
    const other = openDatabase({ file, clock });
    const revoked: number[][] = [];
    try {
      const repo = createClientTokenRepository(database, { clock });
      const source = cachedTokenSource(database, repo, { pollMs: 0, onRevoked: (ids) => revoked.push(ids) });
      const { info: cursor } = repo.create('cursor');
      expect(source.activeTokens().map((t) => t.name)).toEqual(['cursor']);
      expect(source.activeTokens()).toBe(source.activeTokens()); // no change: the same frozen list
      expect(Object.isFrozen(source.activeTokens())).toBe(true);
      expect(source.refresh()).toBe(false);

      const { info: zed } = repo.create('zed');
      expect(source.activeTokens().map((t) => t.name)).toEqual(['cursor']); // memory until a refresh
      expect(source.refresh()).toBe(true);
      expect(source.activeTokens().map((t) => t.name)).toEqual(['cursor', 'zed']);
      repo.revoke('cursor');
      expect(source.refresh()).toBe(true);
      expect(source.activeTokens().map((t) => t.name)).toEqual(['zed']);
      expect(revoked).toEqual([[cursor.id]]);

      // Another process (another connection) revokes: seen at the next refresh, and reported.
      createClientTokenRepository(other, { clock }).revoke('zed');
      expect(source.refresh()).toBe(true);
      expect(source.activeTokens()).toEqual([]);
      expect(revoked).toEqual([[cursor.id], [zed.id]]);
      source.stop();
    } finally {
      other.close();
      database.close();
    }
  });

  it('notices a revocation by another process on its own (poll), within a generous bound', async () => {
    const file = path.join(makeTempDir('tokens-cache'), 'switchboard.db');
    const clock = createFakeClock();
    const database = openDatabase({ file, clock });
    const other = openDatabase({ file, clock });
    try {
      const repo = createClientTokenRepository(database, { clock });
      repo.create('cursor');
      const seen = new Promise<number[]>((resolve) => {
        const source = cachedTokenSource(database, repo, {
          pollMs: 50,
          onRevoked: (ids) => {
            source.stop();
            resolve(ids);
          },
        });
        expect(source.activeTokens()).toHaveLength(1);
      });
      createClientTokenRepository(other, { clock }).revoke('cursor');
      const ids = await Promise.race([
        seen,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000)),
      ]);
      expect(ids).not.toBe('timeout');
      expect(ids).toHaveLength(1);
    } finally {
      other.close();
      database.close();
    }
  });
});
