/**
 * A server's problem in the words a person acts on: the cause first, then what to do, and the original
 * message (paths, PATH lists, protocol detail) only behind a disclosure. Pure, so it is tested without a DOM.
 *
 * The hub's messages are written for logs and the CLI as much as for the window; this reads their code and
 * their well-known shapes (a missing command, an unreachable URL…) and falls back to the message's own first
 * clause. Nothing here invents a cause the message does not support.
 */

export interface ExplainedProblem {
  /** One sentence: what is wrong. */
  cause: string;
  /** One sentence: what to do about it. */
  action: string;
  /** The full original message, for the disclosure (undefined when the cause says it all). */
  details: string | undefined;
  /** Where the fix is made, when it is a tab of the server page. */
  fixIn?: 'variables' | 'auth' | 'edit' | 'logs';
}

interface ServerLike {
  transport: 'stdio' | 'http' | 'sse';
  target: string;
}

/** Explains a server's last error (health snapshot `lastError`, or a failed command's error). */
export function explainProblem(
  problem: { message: string; code: string | null | undefined },
  server: ServerLike,
): ExplainedProblem {
  const { message } = problem;
  const code = problem.code ?? undefined;
  const remote = server.transport !== 'stdio';
  const with_ = (cause: string, action: string, fixIn?: ExplainedProblem['fixIn']): ExplainedProblem => ({
    cause,
    action,
    details: message.trim() === '' || message === cause ? undefined : message,
    fixIn,
  });

  if (code === 'NEEDS_CONFIG') {
    return with_('Some values this server needs are not set.', 'Set them under Variables.', 'variables');
  }
  if (code === 'NEEDS_AUTH') {
    return with_('The server wants you to sign in first.', 'Connect your account under Sign-in.', 'auth');
  }

  const command = /cannot start "([^"]+)"/.exec(message)?.[1];
  if (/command not found/i.test(message)) {
    return with_(
      `The command “${command ?? commandOf(server)}” was not found on this machine.`,
      'Install it, or enter its full path (for example /usr/local/bin/…) in the Definition tab.',
      'edit',
    );
  }
  if (/permission denied|EACCES/i.test(message) && !remote) {
    return with_(
      `The command “${command ?? commandOf(server)}” cannot be run (permission denied).`,
      'Make it executable, or point the Definition at the right program.',
      'edit',
    );
  }
  if (/working directory|\bcwd\b/i.test(message) && /not exist|ENOENT|missing/i.test(message)) {
    return with_(
      'The working directory does not exist.',
      'Fix the working directory in the Definition tab.',
      'edit',
    );
  }
  if (code === 'UPSTREAM_TIMEOUT' || /timed? ?out|timeout/i.test(message)) {
    return with_(
      'The server did not answer in time.',
      remote
        ? 'It may be slow or overloaded: try Check now in a moment, or look at its status page.'
        : 'It may still be starting (a first npx download can take a while) or be stuck: see the log, then Check now.',
      'logs',
    );
  }
  if (remote) {
    if (/\b401\b|unauthori[sz]ed|invalid[_ ]token/i.test(message)) {
      return with_(
        'The server refused the credentials.',
        'Check the token in Variables, or sign in again.',
        'variables',
      );
    }
    if (/\b403\b|forbidden/i.test(message)) {
      return with_('The server refused access.', 'Check that the account or token may use this server.');
    }
    if (/\b404\b|not found/i.test(message)) {
      return with_(
        `Nothing answers as an MCP server at ${server.target}.`,
        'Check the URL: it usually ends in /mcp (or /sse for older servers).',
        'edit',
      );
    }
    if (
      /fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|getaddrinfo|socket hang up|probe failed|network/i.test(
        message,
      )
    ) {
      return with_(
        `Switchboard could not reach ${hostOf(server.target)}.`,
        'Check the URL, and that the server is running and reachable from this machine.',
        'edit',
      );
    }
  } else if (/exit(ed)?\b|exit code|crash|unexpectedly|closed|signal/i.test(message)) {
    return with_('The server stopped soon after it started.', 'See the log for what it printed.', 'logs');
  }

  return with_(
    leadOf(message),
    remote ? 'See the details, then Check now.' : 'See the details and the log.',
    remote ? undefined : 'logs',
  );
}

/** The first clause of a message, without the technical tail a semicolon or parenthesis starts. */
export function leadOf(message: string): string {
  const first = message.split(/;\s|\s\(|\n/)[0]?.trim() ?? '';
  const text = first === '' ? 'Something went wrong.' : first;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  const clipped = capital.length > 160 ? `${capital.slice(0, 157)}…` : capital;
  return /[.!?…]$/.test(clipped) ? clipped : `${clipped}.`;
}

function commandOf(server: ServerLike): string {
  return server.target.split(' ')[0] ?? server.target;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The pool's connection state in words ("backoff" is not a word people use). */
export const CONNECTION_WORDS: Record<string, string> = {
  ready: 'Connected',
  starting: 'Connecting…',
  stopped: 'Not running (starts on the next call)',
  backoff: 'Failed; trying again shortly',
  failed: 'Gave up after repeated failures (Check now tries again)',
  needs_config: 'Waiting for missing values',
  disabled: 'Switched off',
};

export function connectionWords(state: string): string {
  return CONNECTION_WORDS[state] ?? 'Unknown';
}

/** Statuses in which the server answered, so a latency means something. */
export function answered(status: string): boolean {
  return status === 'healthy' || status === 'degraded';
}
