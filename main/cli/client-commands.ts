import type { Command } from 'commander';
import {
  hasProjectFile,
  type ClientFileChange,
  type ClientRow,
  type ImportResult,
} from '../clients/client-service.ts';
import { CLIENT_ADAPTERS } from '../clients/client-registry.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { setValueHint } from '../usecases/catalog.ts';
import {
  displayName,
  notePortElsewhere,
  previewConnect,
  printEntry,
  registerClientTest,
} from './client-entry-commands.ts';
import type { CliContext } from './context.ts';

/**
 * `switchboard clients`, `connect`, `disconnect` and `clients import` (also `switchboard import CLIENT`):
 * thin adapters over main/clients/client-service.ts, which does the work; this file only turns flags into
 * options and results into text or --json.
 */

interface TargetOptions {
  project?: string;
}

/** Options of `clients import CLIENT` and `import CLIENT`. */
export interface ImportClientOptions extends TargetOptions {
  dryRun?: boolean;
  replace?: boolean;
}

const CLIENT_LIST = CLIENT_ADAPTERS.map((a) => a.id).join(', ');

/** Registers `clients` (with `clients import`), `connect` and `disconnect`. */
export function registerClientCommands(program: Command, ctx: CliContext): void {
  const clients = program
    .command('clients')
    .description('list AI clients: detected, config file, and whether Switchboard is connected')
    .option('--project <dir>', "show the project's own file for clients that have one")
    .action(async (opts: TargetOptions) => {
      const service = (await ctx.hub()).useCases.clients;
      const rows = await service.list(projectOption(opts));
      ctx.out.result(rows, () => rows.map(renderClient).join('\n'));
    });

  clients
    .command('import')
    .argument('<client>', `one of: ${CLIENT_LIST}`)
    .description("add the client's MCP servers to Switchboard (secrets go to the vault)")
    .option('--dry-run', 'print what would be imported and change nothing')
    .option(
      '--replace',
      "then remove the imported servers from the client's file and connect it to Switchboard",
    )
    .option('--project <dir>', "import from the project's file instead of the user's")
    .action(async (id: string, opts: ImportClientOptions) => {
      // `clients` has a --project of its own, and commander gives it the flag wherever it appears.
      await importFromClient(ctx, id, { ...clients.opts<TargetOptions>(), ...opts });
    });

  registerClientTest(clients, ctx, CLIENT_LIST);

  program
    .command('connect')
    .argument('<client>', `one of: ${CLIENT_LIST}`)
    .description("write Switchboard's entry into an AI client's MCP config (backup kept)")
    .option('--project <dir>', "write the project's file (e.g. .cursor/mcp.json) instead of the user's")
    .option('--print-link', 'print a one-click install link instead of writing the file (Cursor, VS Code)')
    .option('--profile <name>', 'bind the client to this profile (see switchboard profile list)')
    .option('--dry-run', 'print the lines connecting would change in the file, and change nothing')
    .option(
      '--print-entry',
      "print the entry to paste into the client's file by hand (makes a new token for that file)",
    )
    .action(async (id: string, opts: ConnectOptions) => {
      await connect(ctx, id, opts);
    });

  program
    .command('disconnect')
    .argument('<client>', `one of: ${CLIENT_LIST}`)
    .description("remove Switchboard's entry from an AI client's config and revoke its token")
    .option('--project <dir>', "edit the project's file instead of the user's")
    .action(async (id: string, opts: TargetOptions) => {
      const options = targetOption(id, opts);
      const service = (await ctx.hub()).useCases.clients;
      const result = await service.disconnect(id, options);
      ctx.out.result(
        {
          client: result.client,
          ...fileChange(result),
          revokedToken: result.revokedToken,
        },
        () =>
          describeChange(`disconnected ${displayName(id)}`, result) +
          (result.revokedToken === null ? '' : `revoked the token "${result.revokedToken}"\n`),
      );
    });
}

interface ConnectOptions extends TargetOptions {
  printLink?: boolean;
  profile?: string;
  dryRun?: boolean;
  printEntry?: boolean;
}

async function connect(ctx: CliContext, id: string, opts: ConnectOptions): Promise<void> {
  const options = targetOption(id, opts);
  const ways = [opts.printLink, opts.dryRun, opts.printEntry].filter(Boolean).length;
  if (ways > 1) throw new SwitchboardError('USAGE', 'give one of --print-link, --dry-run and --print-entry');
  if (opts.dryRun && opts.profile !== undefined)
    throw new SwitchboardError('USAGE', 'a --dry-run changes nothing: leave out --profile, or --dry-run');
  if (opts.dryRun) return previewConnect(ctx, id, options);
  if (opts.printEntry) return printEntry(ctx, id, { ...options, profile: opts.profile });
  const service = (await ctx.hub()).useCases.clients;
  if (opts.printLink) {
    const profiles = (await ctx.hub()).useCases.profiles;
    if (opts.profile !== undefined) profiles.assertExists(opts.profile);
    const { client, link, tokenName, restartHint } = await service.printLink(id, options);
    if (opts.profile !== undefined) profiles.use(tokenName, opts.profile);
    ctx.out.result({ client, link, tokenName }, () => link);
    ctx.out.note(
      `Open this link to add Switchboard to ${displayName(id)}. It carries the client token ` +
        `"${tokenName}": treat it like a password. ${restartHint}`,
    );
    await notePortElsewhere(ctx, id);
    return;
  }
  const result = await service.connect(id, { ...options, profile: opts.profile });
  ctx.out.result(
    {
      client: result.client,
      ...fileChange(result),
      kind: result.kind,
      ...(result.kind === 'http' ? { url: result.url, tokenName: result.tokenName } : {}),
    },
    () => describeChange(`connected ${displayName(id)}`, result),
  );
  if (result.kind === 'http') await notePortElsewhere(ctx, id);
  if (result.scope === 'project' && result.kind === 'http') {
    ctx.out.note(
      `${result.path} holds a bearer token: keep it out of version control (add it to .gitignore).`,
    );
  }
}

/** `clients import CLIENT` and `import CLIENT`: a dry run, or the import itself (with --replace). */
export async function importFromClient(
  ctx: CliContext,
  id: string,
  opts: ImportClientOptions,
): Promise<void> {
  if (opts.dryRun && opts.replace)
    throw new SwitchboardError('USAGE', 'give --dry-run or --replace, not both');
  const options = targetOption(id, opts);
  const service = (await ctx.hub()).useCases.clients;
  if (opts.dryRun) {
    const preview = await service.importPreview(id, options);
    noteMissing(ctx, preview.source);
    ctx.out.result({ ...preview.plan, text: preview.text }, () => preview.text);
    return;
  }
  const result = await service.importServers(id, { ...options, replace: opts.replace === true });
  noteMissing(ctx, result.source);
  if (result.imported.length === 0) {
    ctx.out.result({ imported: [], skipped: result.skipped }, () => result.text + 'nothing to import\n');
    return;
  }
  const { imported, secrets, needsValues, skipped, replaced } = result;
  ctx.out.result(
    {
      imported,
      secrets,
      needsValues,
      skipped,
      replaced: replaced && { ...replaced, modeTightened: modesJson(replaced.modeTightened) },
    },
    () => renderImport(result),
  );
}

function renderImport(result: ImportResult): string {
  const { imported, secrets, replaced } = result;
  const lines = [
    `imported ${imported.length} server${imported.length === 1 ? '' : 's'}: ${imported.join(', ')}`,
  ];
  if (secrets.length > 0)
    lines.push(`stored ${secrets.length} secret${secrets.length === 1 ? '' : 's'} in the vault`);
  for (const skip of result.skipped) lines.push(`skipped ${skip.name}: ${skip.reason}`);
  for (const need of result.needsValues)
    lines.push(`set next: ${setValueHint(need.prefix, need.name, need.secret)}`);
  if (replaced !== undefined) {
    lines.push(`replaced them in ${replaced.path} with Switchboard's entry`);
    if (replaced.backupPath !== undefined) lines.push(`backup: ${replaced.backupPath}`);
    lines.push(replaced.restartHint);
    const tightened = modeNote(replaced);
    if (tightened !== '') lines.push(tightened.trimEnd());
  }
  return lines.join('\n') + '\n';
}

function noteMissing(ctx: CliContext, source: { path: string; exists: boolean; displayName: string }): void {
  if (!source.exists)
    ctx.out.note(`${source.path} does not exist: ${source.displayName} has no servers to import`);
}

function renderClient(row: ClientRow): string {
  const detected = row.detected ? 'detected' : 'not detected';
  const lines = [`${row.displayName} [${row.id}]: ${detected}, Switchboard entry ${row.entry}`];
  if (row.configPath !== null)
    lines.push(`  config: ${row.configPath}${row.configExists ? '' : ' (does not exist yet)'}`);
  if (row.problem !== undefined) lines.push(`  problem: ${row.problem}`);
  if (row.entry === 'absent' || row.entry === 'outdated') lines.push(`  run: switchboard connect ${row.id}`);
  lines.push(`  after a change: ${row.restartHint}`);
  return lines.join('\n') + '\n';
}

/** What --json has always shown of a file change: the file, whether it changed, its backup, the hint. */
function fileChange(result: ClientFileChange) {
  return {
    path: result.path,
    changed: result.changed,
    backupPath: result.backupPath,
    removed: result.removed,
    modeTightened: modesJson(result.modeTightened),
    restartHint: result.restartHint,
  };
}

function describeChange(what: string, result: ClientFileChange): string {
  const tightened = modeNote(result);
  if (!result.changed) return `${what}: ${result.path} was already up to date\n${tightened}`;
  const lines = [
    `${what}: ${result.removed ? 'deleted the now empty' : 'updated'} ${result.path}`,
    ...(result.backupPath === undefined ? [] : [`backup: ${result.backupPath}`]),
    result.restartHint,
  ];
  return lines.join('\n') + '\n' + tightened;
}

/** Said whenever a mode was narrowed: the person may share that file on purpose (docs/decisions/client-file-modes.md). */
function modeNote(result: Pick<ClientFileChange, 'path' | 'modeTightened'>): string {
  const { modeTightened } = result;
  if (modeTightened === undefined) return '';
  return (
    `made ${result.path} readable by you only (mode ${octal(modeTightened.from)} -> ` +
    `${octal(modeTightened.to)}): it holds a bearer token\n`
  );
}

/** Modes in --json as people write them ("0644"), like the read-only error's details. */
function modesJson(modes: ClientFileChange['modeTightened']): { from: string; to: string } | undefined {
  return modes && { from: octal(modes.from), to: octal(modes.to) };
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function projectOption(opts: TargetOptions): { projectDir?: string } {
  return { projectDir: opts.project };
}

/** --project for a command that must edit that very file: a client without a project file is a usage error. */
function targetOption(id: string, opts: TargetOptions): { projectDir?: string } {
  if (opts.project !== undefined && !hasProjectFile(id)) {
    throw new SwitchboardError(
      'USAGE',
      `${displayName(id)} has no per-project config file; leave out --project to use its user file`,
    );
  }
  return projectOption(opts);
}
