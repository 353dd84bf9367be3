import path from 'node:path';
import type { ConfigPathContext } from './client-adapter.ts';

/** Path functions of the target platform, so Windows paths can be computed (and tested) on any OS. */
export function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Joins path parts with the target platform's rules. */
export function joinFor(ctx: ConfigPathContext, ...parts: string[]): string {
  return pathFor(ctx.platform).join(...parts);
}

/**
 * The per-user application-data folder desktop apps (Electron ones included) keep settings in:
 * `~/Library/Application Support` on macOS, `%APPDATA%` on Windows, `$XDG_CONFIG_HOME` (default `~/.config`) elsewhere.
 */
export function appDataDir(ctx: ConfigPathContext): string {
  if (ctx.platform === 'darwin') return joinFor(ctx, ctx.home, 'Library', 'Application Support');
  if (ctx.platform === 'win32') return ctx.env.APPDATA || joinFor(ctx, ctx.home, 'AppData', 'Roaming');
  return ctx.env.XDG_CONFIG_HOME || joinFor(ctx, ctx.home, '.config');
}

/** Points every client's config location at this folder instead of the real home (tests, power users). */
export const CLIENT_HOME_ENV = 'SWITCHBOARD_CLIENT_HOME';

/**
 * Variables that move a client's file away from the home folder. Under SWITCHBOARD_CLIENT_HOME they are
 * ignored, so a fake home holds every client's file and nothing leaks in from the real environment.
 */
export const CLIENT_LOCATION_ENV = [
  'XDG_CONFIG_HOME',
  'APPDATA',
  'CLAUDE_CONFIG_DIR',
  'CODEX_HOME',
  'GEMINI_CLI_HOME',
] as const;

/** Where to look for client files: the real home and environment, or SWITCHBOARD_CLIENT_HOME alone when set. */
export function clientPathContext(options: {
  platform: NodeJS.Platform;
  homedir: string;
  env: Readonly<Record<string, string | undefined>>;
  projectDir?: string;
}): ConfigPathContext {
  const fakeHome = options.env[CLIENT_HOME_ENV];
  const project = options.projectDir === undefined ? {} : { projectDir: options.projectDir };
  if (fakeHome === undefined || fakeHome === '') {
    return { platform: options.platform, home: options.homedir, env: options.env, ...project };
  }
  const env: Record<string, string | undefined> = { ...options.env };
  for (const name of CLIENT_LOCATION_ENV) delete env[name];
  return { platform: options.platform, home: pathFor(options.platform).resolve(fakeHome), env, ...project };
}
