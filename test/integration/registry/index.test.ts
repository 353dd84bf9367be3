import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataFiles } from '../../../main/lib/paths.ts';
import { openRegistry } from '../../../main/registry/index.ts';
import {
  createFakeClock,
  makeTempDir,
  removeTempDirs,
  stdioDefinition,
} from '../../fixtures/registry/temp-registry.ts';

afterEach(removeTempDirs);

describe('openRegistry', () => {
  it('opens the database of a data directory with its repositories', () => {
    const dataDir = path.join(makeTempDir('registry'), 'Switchboard');
    const registry = openRegistry(dataDir, { clock: createFakeClock() });
    try {
      expect(fs.existsSync(dataFiles(dataDir).database)).toBe(true);
      expect(registry.servers.add(stdioDefinition('files')).createdAt).toBe('2026-01-02T03:04:05.000Z');
      expect(registry.settings.get('gateway.port')).toBe(17517);
      expect(registry.db.readOnlyReason).toBeUndefined();
    } finally {
      registry.close();
      registry.close();
    }
    const again = openRegistry(dataDir, { readonly: true });
    try {
      expect(again.servers.list().map((s) => s.prefix)).toEqual(['files']);
      expect(() => again.servers.remove('files')).toThrowError(/read-only/);
    } finally {
      again.close();
    }
  });
});
