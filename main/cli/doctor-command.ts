import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { EXIT } from './exit-codes.ts';
import { toErrorInfo } from '../lib/errors.ts';
import { resolveLoginShellEnv } from '../upstream/login-shell-env.ts';

/** One line of the doctor's report. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const MIN_NODE_MAJOR = 22;
const TOOLS_STDIO_SERVERS_NEED = ['node', 'npx', 'uvx', 'docker'];

/** `switchboard doctor`: what this machine gives Switchboard, checked for real, reported truthfully. */
export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check Node, the data folder, the database, the vault and the PATH stdio servers get')
    .action(async () => {
      const checks: DoctorCheck[] = [checkNode()];
      try {
        const hub = await ctx.hub();
        // Opening the hub refused an unsafe folder already (see main/lib/data-dir.ts); this reports the rest.
        checks.push(checkDataDir(hub.dataDir));
        const db = hub.registry.db;
        checks.push({
          name: 'database',
          ok: db.readOnlyReason === undefined,
          detail:
            db.readOnlyReason?.message ??
            `${db.file}: schema ${db.schemaVersion} of ${db.appSchemaVersion}, integrity ${String(db.connection.pragma('quick_check', { simple: true }))}`,
        });
        try {
          const status = hub.vault.unlock();
          checks.push({
            name: 'vault',
            ok: true,
            detail: `key store reachable; ${status.secretCount} secrets${status.holders.length ? `, key held by ${status.holders.join(', ')}` : ''}`,
          });
        } catch (error) {
          checks.push({ name: 'vault', ok: false, detail: toErrorInfo(error).message });
        }
      } catch (error) {
        const info = toErrorInfo(error);
        checks.push({
          name: info.code === 'DATA_DIR_UNSAFE' ? 'data dir' : 'database',
          ok: false,
          detail: info.message,
        });
      }
      checks.push(await checkLoginShellPath(ctx.env));

      const ok = checks.every((c) => c.ok);
      ctx.out.result({ ok, checks }, () =>
        checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(10)} ${c.detail}`).join('\n'),
      );
      if (!ok) ctx.setExitCode(EXIT.internal);
    });
}

function checkNode(): DoctorCheck {
  const major = Number(process.versions.node.split('.')[0]);
  return {
    name: 'node',
    ok: major >= MIN_NODE_MAJOR,
    detail: `${process.version} at ${process.execPath}${major >= MIN_NODE_MAJOR ? '' : ` (Switchboard needs Node >= ${MIN_NODE_MAJOR})`}`,
  };
}

function checkDataDir(dataDir: string): DoctorCheck {
  try {
    fs.accessSync(dataDir, fs.constants.W_OK);
    const mode = fs.statSync(dataDir).mode & 0o777;
    return {
      name: 'data dir',
      ok: true,
      detail: `${dataDir} (mode ${mode.toString(8)})`,
    };
  } catch (error) {
    return {
      name: 'data dir',
      ok: false,
      detail: `${dataDir} is not writable: ${toErrorInfo(error).message}`,
    };
  }
}

async function checkLoginShellPath(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const resolved = await resolveLoginShellEnv({ env });
  const found = TOOLS_STDIO_SERVERS_NEED.map(
    (tool) => `${tool} ${findOnPath(tool, resolved.path) ?? 'not found'}`,
  );
  // Why the login shell's PATH is not used, on a line of its own: the fallback still finds most tools.
  const source =
    resolved.source === 'login-shell'
      ? `from ${resolved.shell}`
      : `from the hub's own environment plus the usual tool folders, because ${resolved.problem ?? 'there is no login shell to ask'}`;
  return {
    name: 'PATH',
    // A missing tool is information, not a failure: only the servers that need it are affected.
    ok: true,
    detail: `stdio servers get PATH ${source}: ${resolved.path}\n            ${found.join('; ')}`,
  };
}

/** First executable named `tool` on a PATH list, or undefined. */
export function findOnPath(tool: string, pathList: string): string | undefined {
  const names = process.platform === 'win32' ? [`${tool}.cmd`, `${tool}.exe`, tool] : [tool];
  for (const dir of pathList.split(path.delimiter)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}
