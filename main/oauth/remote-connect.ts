import { z } from 'zod';
import { createProvenFetch, HubNotProvenError } from '../bridge/proven-hub.ts';
import { ERROR_CODES } from '../lib/errors.ts';
import type { ErrorCode } from '../lib/errors.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { CredentialStatus } from './grant-record.ts';
import { ADMIN_CONNECT_PATH } from './gateway-routes.ts';

/**
 * The CLI side of a Connect run by the hub that already listens on the gateway port (`serve` or the app):
 * asks it over HTTP (bridge token), prints the authorization URL it reports, then waits for the outcome.
 * The hub owns the loopback callback, so only it can finish the flow (docs/decisions/oauth-wiring.md).
 * The bridge token goes only over connections on which the hub first proved it holds it (proven-hub.ts):
 * a program of another user on the port gets the challenge, never the token (issue 12.1).
 */

export interface RemoteConnectOptions {
  /** http://127.0.0.1:<port> of the running hub. */
  origin: string;
  bridgeToken: string;
  prefix: string;
  scopes?: string[];
  /** Shown to the person: the page to open (the running hub also tries to open it). */
  onAuthorizationUrl(url: URL): void;
  /** Overall bound (default 6 minutes: the hub's own callback wait is 5). */
  timeoutMs?: number;
  pollMs?: number;
}

const ErrorSchema = z.object({ code: z.string(), message: z.string() });
const StateSchema = z.union([
  z.object({ id: z.string(), state: z.literal('pending'), authorizationUrl: z.string().optional() }),
  z.object({ id: z.string(), state: z.literal('connected'), status: z.record(z.string(), z.unknown()) }),
  z.object({ id: z.string(), state: z.literal('failed'), error: ErrorSchema }),
]);
const FailureSchema = z.object({ error: ErrorSchema });

/** Runs the Connect in the running hub and resolves with the credential status (never a token). */
export async function connectThroughRunningHub(options: RemoteConnectOptions): Promise<CredentialStatus> {
  const origin = new URL(options.origin);
  const proven = createProvenFetch({ token: () => options.bridgeToken });
  try {
    return await run(options, async (path, init) => {
      try {
        return await proven.fetch(new URL(path, origin), init);
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        if (cause instanceof HubNotProvenError) {
          throw new SwitchboardError(
            cause.check.kind === 'impostor' ? 'PORT_IN_USE' : 'UPSTREAM_UNAVAILABLE',
            `Cannot hand the sign-in to Switchboard: ${cause.message}. Stop that program or change the ` +
              'gateway.port setting, then start Switchboard and connect again',
          );
        }
        throw error;
      }
    });
  } finally {
    proven.close();
  }
}

async function run(
  options: RemoteConnectOptions,
  send: (path: string, init: RequestInit) => Promise<Response>,
): Promise<CredentialStatus> {
  const deadline = Date.now() + (options.timeoutMs ?? 6 * 60_000);
  const pollMs = options.pollMs ?? 500;
  const headers = { authorization: `Bearer ${options.bridgeToken}`, 'content-type': 'application/json' };

  const read = async (response: Response) => {
    const body: unknown = await response.json().catch(() => undefined);
    const failure = FailureSchema.safeParse(body);
    if (failure.success) throw asError(failure.data.error);
    const state = StateSchema.safeParse(body);
    if (!state.success) {
      throw new SwitchboardError(
        'INTERNAL',
        `the running Switchboard answered HTTP ${response.status} to the Connect request in an unexpected shape`,
      );
    }
    return state.data;
  };

  let state = await read(
    await send(ADMIN_CONNECT_PATH, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        prefix: options.prefix,
        scopes: options.scopes?.length ? options.scopes : undefined,
      }),
    }),
  );
  let shown = false;
  for (;;) {
    if (state.state === 'connected') return state.status as unknown as CredentialStatus;
    if (state.state === 'failed') throw asError(state.error);
    if (state.authorizationUrl && !shown) {
      shown = true;
      options.onAuthorizationUrl(new URL(state.authorizationUrl));
    }
    if (Date.now() > deadline) {
      throw new SwitchboardError('OAUTH_ERROR', `sign-in to "${options.prefix}" did not finish in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    state = await read(await send(`${ADMIN_CONNECT_PATH}/${encodeURIComponent(state.id)}`, { headers }));
  }
}

function asError(error: { code: string; message: string }): SwitchboardError {
  const code = (ERROR_CODES as readonly string[]).includes(error.code)
    ? (error.code as ErrorCode)
    : 'INTERNAL';
  return new SwitchboardError(code, error.message);
}
