import { spawn } from 'node:child_process';
import { SwitchboardError } from '../lib/errors.ts';

/** How an opener is asked to open a page. */
export interface OpenHow {
  /**
   * The person already sees the address where they started the Connect (the window, or the CLI that asked
   * the running hub): an opener that prints must print at most the origin — its output is a log then
   * (issue 12.10). The URL carries `state` and a PKCE challenge: no secret, but a one-time address.
   */
  shownElsewhere?: boolean;
}

/** Opens an authorization URL for the person. Injected: Electron's shell.openExternal, the CLI's opener, or a test driver. */
export type OpenBrowser = (url: URL, how?: OpenHow) => Promise<void>;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The check every opener runs first: an authorization URL comes from server-supplied metadata, so it must
 * be an https:// page (http:// only on this machine) — never file:, javascript:, a custom scheme or an
 * URL with embedded credentials that the OS would hand to some other program.
 */
export function assertOpenableUrl(url: URL): void {
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure || url.username !== '' || url.password !== '' || url.href.length > 8192) {
    throw new SwitchboardError(
      'OAUTH_ERROR',
      `Refusing to open the authorization page ${url.protocol}//${url.host}: it must be an https:// URL.`,
    );
  }
}

/** The command that opens a URL with the desktop's default browser on `platform`. */
export function systemOpenCommand(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // `start` treats the first quoted argument as a window title, hence the empty "".
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]];
  return ['xdg-open', [url]];
}

/**
 * The CLI opener: prints the URL for the person who ran the command (always, so it works over SSH) and tries
 * the system opener quietly. When the address is shown elsewhere (a `serve` whose window or CLI shows it),
 * it prints only the authorization server's origin: `serve`'s output is its log.
 */
export function createCliOpener(options: {
  print(text: string): void;
  platform?: NodeJS.Platform;
  tryOpen?: boolean;
}): OpenBrowser {
  return async (url, how) => {
    assertOpenableUrl(url);
    if (how?.shownElsewhere) {
      options.print(
        `Sign-in started at ${url.origin}; its address is shown where the Connect was started` +
          (options.tryOpen === false ? '' : ' (also opening it in the browser here)'),
      );
    } else {
      options.print(`Open this page to sign in:\n  ${url.href}`);
    }
    if (options.tryOpen === false) return;
    const [command, args] = systemOpenCommand(options.platform ?? process.platform, url.href);
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false });
      child.on('error', () => {}); // no desktop (SSH, CI): the printed URL is enough
      child.unref();
    } catch {
      /* same */
    }
  };
}
