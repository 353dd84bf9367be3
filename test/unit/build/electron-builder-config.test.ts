import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: (string | { filter: string[] })[];
  asar?: boolean;
  extraResources?: { from: string; to: string }[];
  electronFuses?: Record<string, boolean>;
  mac?: { hardenedRuntime?: boolean; entitlements?: string; target?: { target: string; arch: string[] }[] };
  win?: { target?: { target: string }[] };
  linux?: { target?: string[] };
}
// electron-builder's own loader and JSON-schema validation: what `electron-builder` runs first, offline.
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    const config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('rejects a broken config (the validation really runs)', async () => {
    const config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
    await expect(
      validateConfiguration(
        { ...config, electronFuses: { runAsNode: 'yes' } } as never,
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/runAsNode/);
  });

  it('says what the app needs', async () => {
    const config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
    expect(config.appId).toBe('dev.switchboard.app');
    expect(config.productName).toBe('Switchboard');
    expect(config.asar).toBe(true);
    const files = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : f.filter));
    expect(files).toEqual(
      expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'out/cli/**']),
    );
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'build/tray', to: 'tray' }));
    // runAsNode stays ON: Claude Desktop runs the bridge as `<app> cli bridge` with ELECTRON_RUN_AS_NODE=1.
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.target?.map((t) => t.target)).toEqual(['dmg', 'zip']);
    expect(config.mac?.target?.[0]?.arch).toEqual(['arm64', 'x64']);
    expect(config.win?.target?.map((t) => t.target)).toEqual(['nsis']);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    for (const file of [
      'build/icon.png',
      'build/entitlements.mac.plist',
      'build/tray/tray-ok.png',
      'build/tray/tray-attention.png',
      'build/tray/tray-error.png',
    ]) {
      expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
    }
  });

  it('ships PNG icons of the right sizes', () => {
    const size = (file: string) => {
      const bytes = fs.readFileSync(path.join(ROOT, file));
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    };
    expect(size('build/icon.png')).toEqual([512, 512]);
    expect(size('build/tray/tray-ok.png')).toEqual([16, 16]);
    expect(size('build/tray/tray-ok@2x.png')).toEqual([32, 32]);
  });
});
