import type { SwitchboardEntry } from './switchboard-entry.ts';

/**
 * The contract every AI-client module fulfils. Everything here is pure text-in/text-out except `detect`,
 * which only asks an injected file-system view whether paths exist; reading and writing files is
 * config-file.ts's job, so every format rule can be tested on strings.
 */

export type ClientId =
  'claude-desktop' | 'cursor' | 'vscode' | 'claude-code' | 'windsurf' | 'codex' | 'gemini-cli';

/** Where to look: the caller passes the real platform, home and environment (or fakes in tests). */
export interface ConfigPathContext {
  platform: NodeJS.Platform;
  home: string;
  env: Readonly<Record<string, string | undefined>>;
  /** A project folder, for clients that also read a per-project file (Cursor, VS Code, Claude Code, Codex, Gemini). */
  projectDir?: string;
}

export type ConfigScope = 'user' | 'project';

/** One candidate configuration file, best first within its scope. */
export interface ConfigLocation {
  scope: ConfigScope;
  path: string;
  /** A short label for people ("user", "VS Code Insiders user", "project"). */
  label: string;
  /** Paths whose existence shows the client is installed even when the file itself does not exist yet. */
  markers: string[];
}

/** The only file-system question detection asks; the default implementation lives in config-file.ts. */
export interface FsLike {
  exists(path: string): Promise<boolean>;
}

export interface ClientDetection {
  /** True when a user-scope config file or one of its markers exists. */
  installed: boolean;
  /** The user-scope file to read and write: the first existing one, else the first candidate. */
  configPath: string;
  /** Whether `configPath` itself exists (false means connecting will create it). */
  configExists: boolean;
}

/** A server entry as found in a client's file; values are verbatim (client-specific `${...}` syntax included). */
export type ImportedServer =
  | {
      name: string;
      transport: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd?: string;
      disabled?: boolean;
    }
  | {
      name: string;
      transport: 'http' | 'sse';
      url: string;
      headers: Record<string, string>;
      /** Codex: `bearer_token_env_var` names an environment variable holding the bearer token. */
      bearerTokenEnvVar?: string;
      disabled?: boolean;
    }
  | {
      /** An entry the client has but Switchboard cannot turn into a server; kept so the import plan can say why. */
      name: string;
      transport: 'unsupported';
      reason: string;
    };

export type EntryStatus = 'absent' | 'current' | 'outdated';

export interface ClientAdapter {
  readonly id: ClientId;
  readonly displayName: string;
  /** True when the client can reach a remote server by URL; false means it needs the stdio bridge. */
  readonly supportsHttp: boolean;
  /** What the person must do after the file changed ("Restart Claude Desktop to load it"). */
  readonly restartHint: string;
  /** Candidate files, user scope first, then the project file when `projectDir` is given. */
  configPaths(ctx: ConfigPathContext): ConfigLocation[];
  /** Whether the client looks installed, and which user-scope file to use. */
  detect(fs: FsLike, ctx: ConfigPathContext): Promise<ClientDetection>;
  /** Every server entry in the file (stdio and URL ones, env and headers included). */
  readServers(text: string, source?: string): ImportedServer[];
  /** The file text with our entry added or updated; everything else is left byte-for-byte as it was. */
  writeEntry(text: string, entry: SwitchboardEntry, source?: string): string;
  /** The file text without the named entry; undoes `writeEntry` exactly when nothing else changed since. */
  removeEntry(text: string, name: string, source?: string): string;
  /** Whether the file has our entry, and whether it already says exactly what `writeEntry` would write. */
  entryStatus(text: string, entry: SwitchboardEntry, source?: string): EntryStatus;
}
