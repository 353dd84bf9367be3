import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedTokenSource } from '../../../main/gateway/http/start-local-gateway.ts';
import { createClientTokenRepository } from '../../../main/registry/client-token-repository.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import { createFakeClock, makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';

/** The gateway reads client tokens once per registry change, yet a revoke still applies to the next request. */

afterEach(() => removeTempDirs());

describe('cachedTokenSource', () => {
  it('re-reads the tokens after any change, in this process or another', () => {
    const file = path.join(makeTempDir('tokens-cache'), 'switchboard.db');
    const clock = createFakeClock();
    const database = openDatabase({ file, clock });
    const other = openDatabase({ file, clock });
    try {
      const repo = createClientTokenRepository(database, { clock });
      const source = cachedTokenSource(database, repo);
      repo.create('cursor');
      expect(source.activeTokens().map((t) => t.name)).toEqual(['cursor']);
      expect(source.activeTokens()).toBe(source.activeTokens()); // unchanged registry: the cached list

      repo.create('zed');
      expect(source.activeTokens().map((t) => t.name)).toEqual(['cursor', 'zed']);
      repo.revoke('cursor');
      expect(source.activeTokens().map((t) => t.name)).toEqual(['zed']);

      // Another process (another connection) revokes: seen at the next call.
      createClientTokenRepository(other, { clock }).revoke('zed');
      expect(source.activeTokens()).toEqual([]);
    } finally {
      other.close();
      database.close();
    }
  });
});
