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

/** The folder a path lives in, with the target platform's rules. */
export function dirnameFor(ctx: ConfigPathContext, p: string): string {
  return pathFor(ctx.platform).dirname(p);
}
