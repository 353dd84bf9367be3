import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { bridgeLaunchCommand } from '../bridge/launch-command.ts';
import type { ClientAdapter, ConfigPathContext, EntryStatus } from '../clients/client-adapter.ts';
import { CLIENT_ADAPTERS, getClientAdapter } from '../clients/client-registry.ts';
import {
  connectClientFile,
  disconnectClientFile,
  nodeFsLike,
  readConfigText,
  updateConfigFile,
  type ConfigChangeResult,
} from '../clients/config-file.ts';
import { hasInstallLink, installLinkFor } from '../clients/deep-links.ts';
import { formatImportPlan } from '../clients/import-plan-format.ts';
import { buildImportPlan, type ImportPlan } from '../clients/import-plan.ts';
import { clientPathContext } from '../clients/platform-paths.ts';
import {
  SWITCHBOARD_ENTRY_NAME,
  bridgeEntry,
  httpEntry,
  type BridgeCommand,
  type SwitchboardEntry,
} from '../clients/switchboard-entry.ts';
import { findTokenMatch } from '../gateway/tokens/token-crypto.ts';
import type { Hub } from '../hub.ts';
import { SwitchboardError, isSwitchboardError } from '../lib/errors.ts';
import { createClientTokenRepository } from '../registry/client-token-repository.ts';
import { setValueHint } from './catalog-commands.ts';
import type { CliContext } from './context.ts';

/**
 * `switchboard clients`, `connect`, `disconnect` and `clients import`: quick-connect AI clients to the
 * gateway and bring their servers in. HTTP clients get the gateway URL plus a bearer token of their own
 * (named after the client); Claude Desktop gets the stdio bridge by absolute path
 * (docs/decisions/claude-desktop-bridge-runtime.md). Files are edited by main/clients (merge, backup, atomic).
 * Client files are looked up under $SWITCHBOARD_CLIENT_HOME instead of the home folder when it is set.
 */

interface TargetOptions {
  project?: string;
}

/** Where our entry goes for one client: its user file, or its per-project file with --project. */
interface Target {
  adapter: ClientAdapter;
  path: string;
  scope: 'user' | 'project';
  /** Whether the client looks installed (user scope); a project file counts as present when it exists. */
  detected: boolean;
  /** The name of the client token this file carries (HTTP clients). */
  tokenName: string;
}

/** Registers `clients` (with `clients import`), `connect` and `disconnect`. */
export function registerClientCommands(program: Command, ctx: CliContext): void {
  const clients = program
    .command('clients')
    .description('list AI clients: detected, config file, and whether Switchboard is connected')
    .option('--project <dir>', "show the project's own file for clients that have one")
    .action(async (opts: TargetOptions) => {
      const hub = await ctx.hub();
      const rows = await Promise.all(
        CLIENT_ADAPTERS.map((adapter) => describeClient(ctx, hub, adapter, opts)),
      );
      ctx.out.result(rows, () => rows.map(renderClient).join('\n'));
    });

  clients
    .command('import')
    .argument('<client>', `one of: ${CLIENT_ADAPTERS.map((a) => a.id).join(', ')}`)
    .description("add the client's MCP servers to Switchboard (secrets go to the vault)")
    .option('--dry-run', 'print what would be imported and change nothing')
    .option(
      '--replace',
      "then remove the imported servers from the client's file and connect it to Switchboard",
    )
    .option('--project <dir>', "import from the project's file instead of the user's")
    .action(async (id: string, opts: TargetOptions & { dryRun?: boolean; replace?: boolean }) => {
      if (opts.dryRun && opts.replace)
        throw new SwitchboardError('USAGE', 'give --dry-run or --replace, not both');
      // `clients` has a --project of its own, and commander gives it the flag wherever it appears.
      await importFromClient(ctx, id, { ...clients.opts<TargetOptions>(), ...opts });
    });

  program
    .command('connect')
    .argument('<client>', `one of: ${CLIENT_ADAPTERS.map((a) => a.id).join(', ')}`)
    .description("write Switchboard's entry into an AI client's MCP config (backup kept)")
    .option('--project <dir>', "write the project's file (e.g. .cursor/mcp.json) instead of the user's")
    .option('--print-link', 'print a one-click install link instead of writing the file (Cursor, VS Code)')
    .action(async (id: string, opts: TargetOptions & { printLink?: boolean }) => {
      await connect(ctx, id, opts);
    });

  program
    .command('disconnect')
    .argument('<client>', `one of: ${CLIENT_ADAPTERS.map((a) => a.id).join(', ')}`)
    .description("remove Switchboard's entry from an AI client's config and revoke its token")
    .option('--project <dir>', "edit the project's file instead of the user's")
    .action(async (id: string, opts: TargetOptions) => {
      await disconnect(ctx, id, opts);
    });
}

// ---------------------------------------------------------------------------------------------------------
// clients

interface ClientRow {
  id: string;
  displayName: string;
  detected: boolean;
  configPath: string;
  configExists: boolean;
  scope: 'user' | 'project';
  supportsHttp: boolean;
  entry: EntryStatus | 'unreadable';
  problem?: string;
  restartHint: string;
}

async function describeClient(
  ctx: CliContext,
  hub: Hub,
  adapter: ClientAdapter,
  opts: TargetOptions,
): Promise<ClientRow> {
  const target = await resolveTarget(ctx, adapter, opts, { projectOptional: true });
  const row = {
    id: adapter.id,
    displayName: adapter.displayName,
    detected: target.detected,
    configPath: target.path,
    scope: target.scope,
    supportsHttp: adapter.supportsHttp,
    restartHint: adapter.restartHint,
  };
  try {
    const { text, exists } = await readConfigText(target.path);
    return { ...row, configExists: exists, entry: exists ? entryState(hub, target, text) : 'absent' };
  } catch (error) {
    // One client's broken file must not hide the others: report it on its row.
    return {
      ...row,
      configExists: fs.existsSync(target.path),
      entry: 'unreadable',
      problem: error instanceof Error ? error.message : String(error),
    };
  }
}

function renderClient(row: ClientRow): string {
  const detected = row.detected ? 'detected' : 'not detected';
  const lines = [
    `${row.displayName} [${row.id}]: ${detected}, Switchboard entry ${row.entry}`,
    `  config: ${row.configPath}${row.configExists ? '' : ' (does not exist yet)'}`,
  ];
  if (row.problem !== undefined) lines.push(`  problem: ${row.problem}`);
  if (row.entry === 'absent' || row.entry === 'outdated') lines.push(`  run: switchboard connect ${row.id}`);
  lines.push(`  after a change: ${row.restartHint}`);
  return lines.join('\n') + '\n';
}

/**
 * Whether the file's entry is what connecting would write now. For HTTP clients the token in the file is
 * checked against the stored hash of this client's token: a revoked or foreign token makes it outdated.
 */
function entryState(hub: Hub, target: Target, text: string): EntryStatus {
  const { adapter } = target;
  if (!adapter.supportsHttp) return adapter.entryStatus(text, bridgeEntry(bridgeCommand(hub)), target.path);
  const servers = adapter.readServers(text, target.path);
  if (!servers.some((s) => s.name === SWITCHBOARD_ENTRY_NAME)) return 'absent';
  const token = validTokenInFile(hub, target, text);
  if (token === undefined) return 'outdated';
  return adapter.entryStatus(text, httpEntry(gatewayUrl(hub), token), target.path);
}

/** The bearer token of our entry in the file, if it is the live token of this client; never printed. */
function validTokenInFile(hub: Hub, target: Target, text: string): string | undefined {
  const ours = target.adapter.readServers(text, target.path).find((s) => s.name === SWITCHBOARD_ENTRY_NAME);
  if (ours === undefined || ours.transport === 'stdio' || ours.transport === 'unsupported') return undefined;
  const authorization = Object.entries(ours.headers).find(([key]) => key.toLowerCase() === 'authorization');
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.[1]?.trim() ?? '')?.[1];
  if (token === undefined) return undefined;
  const candidates = tokens(hub)
    .activeTokens()
    .filter((t) => t.name === target.tokenName);
  return findTokenMatch(token, candidates) === undefined ? undefined : token;
}

// ---------------------------------------------------------------------------------------------------------
// connect / disconnect

async function connect(
  ctx: CliContext,
  id: string,
  opts: TargetOptions & { printLink?: boolean },
): Promise<void> {
  const adapter = getClientAdapter(id);
  if (opts.printLink && !hasInstallLink(adapter.id)) {
    throw new SwitchboardError(
      'USAGE',
      `${adapter.displayName} has no install link; only Cursor and VS Code do`,
    );
  }
  const target = await resolveTarget(ctx, adapter, opts);
  const hub = await ctx.hub();
  // Parse first: a file we cannot read must fail before any token is created or revoked.
  const { text } = await readConfigText(target.path);
  adapter.readServers(text, target.path);

  const prepared = prepareEntry(hub, target, text);
  if (opts.printLink) {
    const link = installLinkFor(adapter.id, prepared.entry) as string;
    ctx.out.result({ client: adapter.id, link, tokenName: target.tokenName }, () => link);
    ctx.out.note(
      `Open this link to add Switchboard to ${adapter.displayName}. It carries the client token ` +
        `"${target.tokenName}": treat it like a password. ${adapter.restartHint}`,
    );
    return;
  }
  let result: ConfigChangeResult;
  try {
    result = await connectClientFile(target.path, adapter, prepared.entry);
  } catch (error) {
    prepared.rollback();
    throw error;
  }
  ctx.out.result(
    {
      client: adapter.id,
      ...result,
      kind: prepared.entry.kind,
      ...(prepared.entry.kind === 'http' ? { url: prepared.entry.url, tokenName: target.tokenName } : {}),
    },
    () => describeChange(`connected ${adapter.displayName}`, result),
  );
  if (target.scope === 'project' && prepared.entry.kind === 'http') {
    ctx.out.note(
      `${target.path} holds a bearer token: keep it out of version control (add it to .gitignore).`,
    );
  }
}

async function disconnect(ctx: CliContext, id: string, opts: TargetOptions): Promise<void> {
  const adapter = getClientAdapter(id);
  const target = await resolveTarget(ctx, adapter, opts);
  const hub = await ctx.hub();
  // The file first: if it cannot be read, nothing changes at all (the token keeps working).
  const result = await disconnectClientFile(target.path, adapter);
  const revoked = revokeIfPresent(hub, target.tokenName);
  ctx.out.result(
    { client: adapter.id, ...result, revokedToken: revoked ? target.tokenName : null },
    () =>
      describeChange(`disconnected ${adapter.displayName}`, result) +
      (revoked ? `revoked the token "${target.tokenName}"\n` : ''),
  );
}

interface PreparedEntry {
  entry: SwitchboardEntry;
  /** Undoes what preparing did (a token created for a write that then failed). */
  rollback(): void;
}

/**
 * The entry to write. HTTP clients keep the token already in their file while it is still this client's live
 * token (so connecting twice changes nothing); otherwise the client's old token is revoked and a new one made.
 */
function prepareEntry(hub: Hub, target: Target, text: string): PreparedEntry {
  if (!target.adapter.supportsHttp) return { entry: bridgeEntry(bridgeCommand(hub)), rollback: () => {} };
  const url = gatewayUrl(hub);
  const existing = validTokenInFile(hub, target, text);
  if (existing !== undefined) return { entry: httpEntry(url, existing), rollback: () => {} };
  const repository = tokens(hub);
  const created = hub.registry.db.connection.transaction(() => {
    revokeIfPresent(hub, target.tokenName);
    return repository.create(target.tokenName);
  })();
  return {
    entry: httpEntry(url, created.token),
    rollback: () => revokeIfPresent(hub, target.tokenName),
  };
}

function describeChange(what: string, result: ConfigChangeResult): string {
  if (!result.changed) return `${what}: ${result.path} was already up to date\n`;
  const lines = [
    `${what}: ${result.removed ? 'deleted the now empty' : 'updated'} ${result.path}`,
    ...(result.backupPath === undefined ? [] : [`backup: ${result.backupPath}`]),
    result.restartHint,
  ];
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------
// import

async function importFromClient(
  ctx: CliContext,
  id: string,
  opts: TargetOptions & { dryRun?: boolean; replace?: boolean },
): Promise<void> {
  const adapter = getClientAdapter(id);
  const target = await resolveTarget(ctx, adapter, opts);
  const { text, exists } = await readConfigText(target.path);
  const servers = adapter.readServers(text, target.path);
  const hub = await ctx.hub();
  const plan = buildImportPlan(servers, {
    clientName: adapter.displayName,
    existingPrefixes: hub.registry.servers.list().map((s) => s.prefix),
    self: { gatewayUrl: gatewayUrl(hub), bridgeScript: cliEntryPath() },
  });
  if (!exists) ctx.out.note(`${target.path} does not exist: ${adapter.displayName} has no servers to import`);

  if (opts.dryRun) {
    ctx.out.result(previewOf(plan), () => formatImportPlan(plan));
    return;
  }
  if (plan.add.length === 0) {
    ctx.out.result(
      { imported: [], skipped: plan.skipped },
      () => formatImportPlan(plan) + 'nothing to import\n',
    );
    return;
  }

  // Fails with VAULT_UNAVAILABLE before anything is written; the transaction below rolls back otherwise.
  if (plan.secrets.length > 0) hub.vault.unlock();
  const stored = hub.registry.db.connection.transaction(() => {
    const servers = plan.add.map((item) => hub.registry.servers.add(item.definition));
    for (const secret of plan.secrets) hub.variables.set(secret.prefix, secret.name, secret.value);
    return servers;
  })();
  const added = stored.map((s) => s.prefix);

  const needsValues = plan.add.flatMap((item) =>
    item.missingNames.map((name) => {
      const secret =
        stored.find((s) => s.prefix === item.definition.prefix)?.envVars.find((v) => v.name === name)
          ?.secret ?? true;
      return { prefix: item.definition.prefix, name, secret };
    }),
  );
  let replaced: (ConfigChangeResult & { removedEntries: string[] }) | undefined;
  if (opts.replace) {
    const names = plan.add.flatMap((item) => item.fromNames);
    const prepared = prepareEntry(hub, target, text);
    try {
      const result = await updateConfigFile(target.path, adapter.restartHint, (current) => {
        let next = current;
        for (const name of names) next = adapter.removeEntry(next, name, target.path);
        return adapter.writeEntry(next, prepared.entry, target.path);
      });
      replaced = { ...result, removedEntries: names };
    } catch (error) {
      prepared.rollback();
      throw new SwitchboardError(
        isSwitchboardError(error) ? error.code : 'INTERNAL',
        `imported ${added.join(', ')}, but ${target.path} was not changed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }

  const value = {
    imported: added,
    secrets: plan.secrets.map((s) => ({ prefix: s.prefix, name: s.name })),
    needsValues,
    skipped: plan.skipped,
    ...(replaced === undefined ? {} : { replaced }),
  };
  ctx.out.result(value, () => {
    const lines = [`imported ${added.length} server${added.length === 1 ? '' : 's'}: ${added.join(', ')}`];
    if (plan.secrets.length > 0)
      lines.push(`stored ${plan.secrets.length} secret${plan.secrets.length === 1 ? '' : 's'} in the vault`);
    for (const skip of plan.skipped) lines.push(`skipped ${skip.name}: ${skip.reason}`);
    for (const need of needsValues)
      lines.push(`set next: ${setValueHint(need.prefix, need.name, need.secret)}`);
    if (replaced !== undefined) {
      lines.push(`replaced them in ${replaced.path} with Switchboard's entry`);
      if (replaced.backupPath !== undefined) lines.push(`backup: ${replaced.backupPath}`);
      lines.push(replaced.restartHint);
    }
    return lines.join('\n') + '\n';
  });
}

/** The dry run for --json (and the desktop preview): the plan without secret values, plus the exact text. */
function previewOf(plan: ImportPlan) {
  return {
    add: plan.add.map((item) => ({
      prefix: item.definition.prefix,
      name: item.definition.name ?? item.definition.prefix,
      transport: item.definition.transport,
      fromNames: item.fromNames,
      secretNames: item.secretNames,
      missingNames: item.missingNames,
    })),
    skipped: plan.skipped,
    text: formatImportPlan(plan),
  };
}

// ---------------------------------------------------------------------------------------------------------
// shared

/** The client's file for this command: the user file (as detected), or the project file with --project. */
async function resolveTarget(
  ctx: CliContext,
  adapter: ClientAdapter,
  opts: TargetOptions,
  options: { projectOptional?: boolean } = {},
): Promise<Target> {
  const projectDir = opts.project === undefined ? undefined : checkedProjectDir(opts.project);
  const pathCtx = pathContext(ctx, projectDir);
  const detection = await adapter.detect(nodeFsLike, pathCtx);
  if (projectDir !== undefined) {
    const location = adapter.configPaths(pathCtx).find((l) => l.scope === 'project');
    if (location !== undefined) {
      return {
        adapter,
        path: location.path,
        scope: 'project',
        detected: detection.installed || fs.existsSync(location.path),
        tokenName: projectTokenName(adapter.id, projectDir),
      };
    }
    if (!options.projectOptional) {
      throw new SwitchboardError(
        'USAGE',
        `${adapter.displayName} has no per-project config file; leave out --project to use its user file`,
      );
    }
  }
  return {
    adapter,
    path: detection.configPath,
    scope: 'user',
    detected: detection.installed,
    tokenName: adapter.id,
  };
}

function pathContext(ctx: CliContext, projectDir?: string): ConfigPathContext {
  return clientPathContext({
    platform: process.platform,
    homedir: os.homedir(),
    env: ctx.env,
    ...(projectDir === undefined ? {} : { projectDir }),
  });
}

function checkedProjectDir(dir: string): string {
  const absolute = path.resolve(dir);
  if (!fs.statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) {
    throw new SwitchboardError('VALIDATION', `--project: ${absolute} is not a folder`);
  }
  return absolute;
}

/**
 * Project files get their own token, so connecting a project never breaks the user-level entry:
 * `<client>.<folder name>-<hash of the path>` (the hash keeps two `app` folders apart).
 */
export function projectTokenName(clientId: string, projectDir: string): string {
  const folder =
    path
      .basename(projectDir)
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .slice(0, 30)
      .replace(/^[-._]+|[-._]+$/g, '') || 'project';
  const hash = createHash('sha256').update(projectDir).digest('hex').slice(0, 6);
  return `${clientId}.${folder}-${hash}`;
}

/** The gateway endpoint clients are given: loopback and the configured port (not whatever port is running now). */
function gatewayUrl(hub: Hub): string {
  return `http://127.0.0.1:${hub.registry.settings.get('gateway.port')}/mcp`;
}

/**
 * How Claude Desktop starts the bridge: this very runtime by absolute path (`process.execPath`; the app's own
 * binary with ELECTRON_RUN_AS_NODE inside Electron) running this CLI's entry script — never npx, never a
 * `node` from PATH. See docs/decisions/claude-desktop-bridge-runtime.md.
 */
export function bridgeCommand(hub: Hub): BridgeCommand {
  const launch = bridgeLaunchCommand({
    runtime: process.execPath,
    cliEntry: cliEntryPath(),
    dataDir: hub.dataDir,
    electron: process.versions.electron !== undefined,
  });
  // An empty `env` says nothing; leaving it out keeps the client's file as small as it can be.
  return Object.keys(launch.env).length === 0
    ? { command: launch.command, args: launch.args }
    : { command: launch.command, args: launch.args, env: launch.env };
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

function tokens(hub: Hub) {
  return createClientTokenRepository(hub.registry.db, { clock: hub.clock });
}

/** Revokes the token of `name` when there is one; true when it existed. */
function revokeIfPresent(hub: Hub, name: string): boolean {
  const repository = tokens(hub);
  if (!repository.list().some((t) => t.name === name)) return false;
  repository.revoke(name);
  return true;
}
