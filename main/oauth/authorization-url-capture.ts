import type { OpenBrowser } from './browser-opener.ts';

/**
 * The opener of a RUNNING hub (`serve`, the desktop app). Every Connect it runs was started by someone who
 * shows the person the sign-in address — the window (through the contract) or the CLI that asked over
 * `POST /admin/auth/connect` — so the opener it wraps is told the address is shown elsewhere: the hub's own
 * output, its log, then names only the authorization server's origin (issue 12.10). A one-shot CLI command
 * uses its opener unwrapped, and prints the address for the person who ran it.
 */
export function tapAuthorizationUrls(open: OpenBrowser): OpenBrowser {
  return (url, how) => open(url, { ...how, shownElsewhere: true });
}
