import fs from 'node:fs/promises';
import type { BridgeLaunchCommand } from '../bridge/launch-command.ts';
import type { ServerVariables } from '../env/server-secrets.ts';
import type { Clock } from '../lib/clock.ts';
import type { ClientTokenRepository } from '../registry/client-token-repository.ts';
import type { ServerRepository } from '../registry/server-repository.ts';
import type { SettingsRepository } from '../registry/settings-repository.ts';
import type { Vault } from '../vault/vault.ts';
import type { ClientId, EntryStatus, FsLike } from './client-adapter.ts';
import { nodeFsLike } from './config-file.ts';

/**
 * What the client service (client-service.ts) takes and gives: its dependencies and the rows and results the CLI
 * and the window format. Kept apart so the service file holds only the behaviour.
 */

/** The file-system questions the service asks about paths (reading and writing is config-file.ts's job). */
export interface ClientFs extends FsLike {
  isDirectory(path: string): Promise<boolean>;
}

/** `ClientFs` over the real file system. */
export const nodeClientFs: ClientFs = {
  exists: nodeFsLike.exists,
  isDirectory: (p) =>
    fs.stat(p).then(
      (s) => s.isDirectory(),
      () => false,
    ),
};

export interface ClientServiceDeps {
  servers: Pick<ServerRepository, 'add' | 'list'>;
  /** Runs `fn` in one database transaction (registry, tokens and vault share one SQLite file). */
  transaction<T>(fn: () => T): T;
  tokens: Pick<ClientTokenRepository, 'create' | 'list' | 'revoke' | 'activeTokens'>;
  vault: Pick<Vault, 'unlock'>;
  variables: Pick<ServerVariables, 'set'>;
  /** For `gateway.port`: entries name the configured port, not whatever port happens to be listening. */
  settings: Pick<SettingsRepository, 'get'>;
  /** How stdio-only clients start the bridge for this data directory, by absolute paths. */
  bridgeCommand(): BridgeLaunchCommand;
  /** Names the backups made of client files. */
  clock: Clock;
  /** Where client files live: the real platform, home and environment (or a temp home in tests). */
  platform: NodeJS.Platform;
  homedir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Default: the real file system. */
  fs?: ClientFs;
  /** Applied to problem messages shown in listings (a broken file's text may quote a secret). */
  redact?(text: string): string;
  /** Only the user's known secrets (the connect preview masks credential shapes itself, around placeholders). */
  redactKnown?(text: string): string;
}

/** Which file a call works on: the client's user file, or its file in this project folder. */
export interface ClientScopeOptions {
  projectDir?: string;
}

/** One client as `switchboard clients` and the window's client list show it. */
export interface ClientRow {
  id: ClientId;
  displayName: string;
  /** Whether the client looks installed; a project file counts as present when it exists. */
  detected: boolean;
  /** The file connecting writes; null when even finding it failed (see `problem`). */
  configPath: string | null;
  configExists: boolean;
  scope: 'user' | 'project';
  supportsHttp: boolean;
  /** `conflict`: the entry named switchboard is a person's own, or there are several (see `problem`). */
  entry: EntryStatus | 'unreadable' | 'conflict';
  problem?: string;
  restartHint: string;
}

/** What changed in a client's file. */
export interface ClientFileChange {
  client: ClientId;
  path: string;
  changed: boolean;
  backupPath?: string;
  /** True when the change left the file empty, so it was deleted. */
  removed?: boolean;
  /** The file holds a token but others could read it: narrowed to its owner (docs/decisions/client-file-modes.md). */
  modeTightened?: { from: number; to: number };
  restartHint: string;
  scope: 'user' | 'project';
}

export interface ConnectResult extends ClientFileChange {
  kind: 'http' | 'stdio';
  /** HTTP clients: the gateway URL and the name of the token the file carries (never the token). */
  url?: string;
  tokenName?: string;
}

export interface DisconnectResult extends ClientFileChange {
  /** The token revoked with the entry, or null when there was none. */
  revokedToken: string | null;
}

/** An import plan as it may be shown: definitions' outlines and what was skipped, never a secret value. */
export interface ImportPreviewPlan {
  add: {
    prefix: string;
    name: string;
    transport: string;
    fromNames: string[];
    secretNames: string[];
    missingNames: string[];
  }[];
  skipped: { name: string; reason: string }[];
}

/** The file an import reads, and whether it exists (a missing one simply has no servers). */
export interface ImportSource {
  client: ClientId;
  displayName: string;
  path: string;
  exists: boolean;
}

export interface ImportPreview {
  source: ImportSource;
  plan: ImportPreviewPlan;
  /** The dry run as people read it. */
  text: string;
}

export interface ImportResult {
  source: ImportSource;
  /** The dry-run text of the plan that was carried out. */
  text: string;
  /** Prefixes of the servers added, in plan order. */
  imported: string[];
  /** Secrets stored in the vault, by name. */
  secrets: { prefix: string; name: string }[];
  /** Variables the file only referred to: they need a value in Switchboard next. */
  needsValues: { prefix: string; name: string; secret: boolean }[];
  skipped: { name: string; reason: string }[];
  /** With `replace`: the client's file, now without the imported entries and with ours. */
  replaced?: Omit<ClientFileChange, 'client' | 'scope'> & { removedEntries: string[] };
}

export interface InstallLinkResult {
  client: ClientId;
  displayName: string;
  /** Carries the client token: as secret as the file it replaces. */
  link: string;
  tokenName: string;
  restartHint: string;
}

/** A run of changed lines. */
export interface PreviewHunk {
  /** 1-based line numbers where the run starts, before and after. */
  oldStart: number;
  newStart: number;
  lines: { op: '+' | '-'; text: string }[];
}

export interface ConnectPreview {
  client: string;
  displayName: string;
  path: string;
  scope: 'user' | 'project';
  /** The file exists now; connecting creates it otherwise. */
  exists: boolean;
  detected: boolean;
  kind: 'http' | 'stdio';
  url?: string;
  /** Whether connecting would change the file at all. */
  changed: boolean;
  /** Connecting makes a new client token (the file has no live one); the preview shows a placeholder. */
  newToken: boolean;
  hunks: PreviewHunk[];
  /** Our entry as a file holding nothing else would have it; the token as a placeholder. */
  snippet: string;
}

/** The entry and snippet for setting a client up by hand, carrying a token made for it just now. */
export interface ManualEntry {
  client: string;
  path: string;
  snippet: string;
  /** The token the snippet carries (HTTP clients); its value is only in `snippet`. */
  tokenName?: string;
  restartHint: string;
}

/** What Test found through the entry in a client's file. */
export interface EntryCheck {
  client: string;
  /** What the entry reaches: its URL, or its command line. */
  target: string;
  ok: boolean;
  toolCount?: number;
  /** The first few tool names, to recognise the hub's tools by. */
  sampleTools?: string[];
  /** Why it failed, cause first, then what to do. */
  problem?: string;
}

export interface ClientService {
  /** Every supported client with its file and the state of our entry in it; one broken file only marks its row. */
  listClients(options?: ClientScopeOptions): Promise<ClientRow[]>;
  /** Writes (or keeps) our entry in the client's file. */
  connect(id: string, options?: ClientScopeOptions): Promise<ConnectResult>;
  /** What connecting would change in the client's file (changed lines only, masked); makes nothing. */
  previewConnect(id: string, options?: ClientScopeOptions): Promise<ConnectPreview>;
  /** Our entry for setting the client up by hand, with a token made for its file just now (HTTP clients). */
  manualEntry(id: string, options?: ClientScopeOptions): Promise<ManualEntry>;
  /** Lists the hub's tools through exactly the entry the client's file holds. */
  checkEntry(id: string, options?: ClientScopeOptions): Promise<EntryCheck>;
  /** Removes our entry from the client's file, then revokes that file's token. */
  disconnect(id: string, options?: ClientScopeOptions): Promise<DisconnectResult>;
  /** What importing would add; changes nothing. */
  importPreview(id: string, options?: ClientScopeOptions): Promise<ImportPreview>;
  /** Adds the client's servers (secrets to the vault); with `replace`, also points the client at Switchboard. */
  importServers(id: string, options?: ClientScopeOptions & { replace?: boolean }): Promise<ImportResult>;
  /** A one-click install link (Cursor, VS Code) carrying the entry connecting would write. */
  printLink(id: string, options?: ClientScopeOptions): Promise<InstallLinkResult>;
}
