import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SwitchboardError } from '../lib/errors.ts';

export interface BridgeLaunchOptions {
  /** Absolute path of the runtime to launch: `process.execPath` of the app (Electron) or of `switchboard serve` (Node). */
  runtime: string;
  /** Absolute path of the CLI entry script (the bundled cli.js inside the app, or main/cli.ts in a checkout). */
  cliEntry: string;
  /** Absolute data directory; always passed, so the bridge finds the hub whatever the client's environment. */
  dataDir: string;
  /** True when `runtime` is the Electron app binary: it must run as plain Node. */
  electron: boolean;
  /** Relay one server (original names) instead of all. */
  prefix?: string;
}

/** A client-config entry for `switchboard bridge`: what the client writers put in Claude Desktop's config. */
export interface BridgeLaunchCommand {
  command: string;
  args: string[];
  /** Non-secret only: the token is read from the data directory, never passed here. */
  env: Record<string, string>;
}

/**
 * The command line that starts the bridge by absolute path with the app's own runtime — never `npx` or a
 * `node` looked up on PATH (GUI apps do not get the user's shell PATH). See docs/decisions.
 */
export function bridgeLaunchCommand(options: BridgeLaunchOptions): BridgeLaunchCommand {
  for (const [name, value] of [
    ['runtime', options.runtime],
    ['cliEntry', options.cliEntry],
    ['dataDir', options.dataDir],
  ] as const) {
    if (!path.isAbsolute(value) && !path.win32.isAbsolute(value)) {
      throw new SwitchboardError(
        'VALIDATION',
        `bridge launch ${name} must be an absolute path, got "${value}"`,
      );
    }
  }
  const args = [options.cliEntry, '--data-dir', options.dataDir, 'bridge'];
  if (options.prefix !== undefined) args.push('--server', options.prefix);
  // Electron's RunAsNode fuse must stay enabled for this; the packaging config owns that switch.
  return { command: options.runtime, args, env: options.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {} };
}

/**
 * The bridge as a CLI or `serve` process launches it: this very runtime and the CLI entry script, by
 * absolute path (the desktop app passes its own binary with ELECTRON_RUN_AS_NODE instead).
 */
export function cliBridgeCommand(dataDir: string): BridgeLaunchCommand {
  return bridgeLaunchCommand({
    runtime: process.execPath,
    cliEntry: cliEntryPath(),
    dataDir,
    electron: process.versions.electron !== undefined,
  });
}

/**
 * The CLI entry script, absolute: the bundled `out/cli/switchboard.mjs` when it exists, else `main/cli.ts`.
 * Both sit two folders below the project root, as does this module, so the same rule works in a checkout
 * and inside the bundle.
 */
export function cliEntryPath(moduleUrl: string = import.meta.url): string {
  const root = path.resolve(path.dirname(fileURLToPath(moduleUrl)), '..', '..');
  const bundle = path.join(root, 'out', 'cli', 'switchboard.mjs');
  return fs.existsSync(bundle) ? bundle : path.join(root, 'main', 'cli.ts');
}
