import type { Command } from 'commander';
import type { ServerAuth, ServerDefinition } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { CredentialStatus } from '../oauth/grant-record.ts';
import type { OAuthManager } from '../oauth/oauth-manager.ts';
import type { Output } from './output.ts';
import { table } from './output.ts';
import { readSecret } from './read-secret.ts';
import { collect } from './parse-pairs.ts';

/** What the auth commands need from the hub (the real Hub satisfies it structurally). */
export interface AuthHub {
  oauth: Pick<OAuthManager, 'connect' | 'status' | 'disconnect' | 'setClientSecret' | 'hasClientSecret'>;
  servers: { list(): ServerDefinition[]; get(prefix: string): ServerDefinition };
  /**
   * Makes sure GET /oauth/callback is served on the gateway's stable port while a Connect waits: binds it
   * for the duration when no gateway runs, or delegates to the running one (see the OAuth decision doc).
   */
  ensureOAuthCallback(): Promise<{ close(): Promise<void> }>;
}

/** The slice of CliContext the auth commands use. */
export interface AuthCommandsContext {
  out: Output;
  stdin: NodeJS.ReadStream;
  hub(): Promise<AuthHub>;
}

/** `switchboard auth …`: connect (browser sign-in or client credentials), status, disconnect, client secrets. */
export function registerAuthCommands(program: Command, ctx: AuthCommandsContext): void {
  const auth = program
    .command('auth')
    .description('OAuth sign-in to remote servers (tokens are never shown)');

  auth
    .command('connect')
    .argument('<prefix>')
    .option(
      '--scope <scope>',
      'ask for this scope (repeatable; default: what the server asks for)',
      collect,
      [],
    )
    .description('sign in (opens the browser and prints the URL) or fetch a client-credentials token')
    .action(async (prefix: string, opts: { scope: string[] }) => {
      const hub = await ctx.hub();
      hub.servers.get(prefix); // NOT_FOUND before any network
      const callback = await hub.ensureOAuthCallback();
      try {
        const status = await hub.oauth.connect(prefix, opts.scope.length ? { scopes: opts.scope } : {});
        ctx.out.result(
          status,
          () => `connected ${prefix}${status.scopes.length ? ` (${status.scopes.join(' ')})` : ''}`,
        );
      } finally {
        await callback.close();
      }
    });

  auth
    .command('status')
    .argument('[prefix]')
    .description('show whether servers have a credential, when it expires and its scopes')
    .action(async (prefix: string | undefined) => {
      const hub = await ctx.hub();
      const statuses =
        prefix !== undefined
          ? [hub.oauth.status(prefix)]
          : hub.servers
              .list()
              .filter((s) => s.transport !== 'stdio')
              .map((s) => hub.oauth.status(s.prefix))
              .filter((s) => s.flow !== 'none');
      ctx.out.result(prefix !== undefined ? statuses[0] : statuses, () =>
        statuses.length === 0
          ? 'no server uses OAuth'
          : table([['PREFIX', 'FLOW', 'STATE', 'EXPIRES', 'SCOPES'], ...statuses.map(statusRow)]),
      );
    });

  auth
    .command('disconnect')
    .argument('<prefix>')
    .description(
      'revoke the sign-in at the authorization server (when it offers revocation) and delete it here',
    )
    .action(async (prefix: string) => {
      const hub = await ctx.hub();
      const result = await hub.oauth.disconnect(prefix);
      ctx.out.result({ prefix, ...result }, () =>
        [
          `disconnected ${prefix}`,
          result.revoked.length ? `revoked: ${result.revoked.join(', ')}` : '',
          result.failed.length ? `revocation failed: ${result.failed.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      );
    });

  auth
    .command('set-secret')
    .argument('<prefix>')
    .description('store the OAuth client secret of a server from stdin or a hidden prompt')
    .action(async (prefix: string) => {
      const hub = await ctx.hub();
      hub.servers.get(prefix);
      const secret = await readSecret(`${prefix} client secret: `, ctx.stdin);
      hub.oauth.setClientSecret(prefix, secret);
      ctx.out.result({ prefix, isSet: true }, () => `stored the client secret of ${prefix}`);
    });

  auth
    .command('unset-secret')
    .argument('<prefix>')
    .description('delete the stored OAuth client secret of a server')
    .action(async (prefix: string) => {
      const hub = await ctx.hub();
      const had = hub.oauth.hasClientSecret(prefix);
      hub.oauth.setClientSecret(prefix, undefined);
      ctx.out.result({ prefix, removed: had }, () =>
        had ? `deleted the client secret of ${prefix}` : `${prefix} had no client secret`,
      );
    });
}

function statusRow(s: CredentialStatus): string[] {
  const state = !s.hasCredential
    ? 'not connected'
    : s.isExpired && !s.canRefresh
      ? 'expired'
      : s.requiredScopes
        ? 'needs more scope'
        : 'connected';
  return [
    s.prefix,
    s.flow,
    state,
    s.expiresAt === undefined ? '-' : new Date(s.expiresAt).toISOString(),
    s.scopes.join(' ') || '-',
  ];
}

/** Options of `server add` for OAuth; the lead adds them with `addOAuthOptions(command)`. */
export interface OAuthAddOptions {
  oauthFlow?: string;
  oauthClientId?: string;
  oauthTokenUrl?: string;
  oauthScope: string[];
  oauthResource?: string;
  oauthAudience?: string;
  oauthClientSecretStdin?: boolean;
  passThrough?: boolean;
}

/** Adds the OAuth options to `server add` (and `server edit`). */
export function addOAuthOptions(command: Command): Command {
  return command
    .option(
      '--oauth-flow <flow>',
      'authorization_code (browser sign-in) or client_credentials (machine to machine)',
    )
    .option('--oauth-client-id <id>', 'a client id registered with the authorization server')
    .option('--oauth-token-url <url>', 'token endpoint (client_credentials)')
    .option('--oauth-scope <scope>', 'OAuth scope (repeatable)', collect, [])
    .option('--oauth-resource <url>', 'RFC 8707 resource indicator to ask tokens for')
    .option('--oauth-audience <aud>', 'audience parameter some providers want (client_credentials)')
    .option('--oauth-client-secret-stdin', 'read the client secret from stdin (never from an argument)')
    .option('--pass-through', "relay each client's own bearer token on this server's route");
}

/**
 * The `auth`/`passThrough` fields for a definition from `server add` options (undefined when none given).
 * The flow is explicit: a client id alone does not guess one.
 */
export function oauthFromOptions(opts: OAuthAddOptions): { auth?: ServerAuth; passThrough?: boolean } {
  const given = opts.oauthClientId ?? opts.oauthTokenUrl ?? opts.oauthResource ?? opts.oauthAudience;
  const anyOAuth = given !== undefined || opts.oauthScope.length > 0 || opts.oauthClientSecretStdin;
  const passThrough = opts.passThrough ? { passThrough: true } : {};
  if (opts.oauthFlow === undefined) {
    if (anyOAuth)
      throw new SwitchboardError(
        'USAGE',
        '--oauth-flow is required with other --oauth-* options: authorization_code or client_credentials',
      );
    return passThrough;
  }
  const scopes = opts.oauthScope.length ? { scopes: opts.oauthScope } : {};
  const resource = opts.oauthResource ? { resource: opts.oauthResource } : {};
  if (opts.oauthFlow === 'authorization_code') {
    if (opts.oauthTokenUrl || opts.oauthAudience) {
      throw new SwitchboardError(
        'USAGE',
        '--oauth-token-url and --oauth-audience are for --oauth-flow client_credentials (browser sign-in discovers its endpoints)',
      );
    }
    return {
      auth: {
        kind: 'oauth',
        flow: 'authorization_code',
        ...(opts.oauthClientId ? { clientId: opts.oauthClientId } : {}),
        ...scopes,
        ...resource,
      },
      ...passThrough,
    };
  }
  if (opts.oauthFlow === 'client_credentials') {
    if (!opts.oauthClientId || !opts.oauthTokenUrl) {
      throw new SwitchboardError(
        'USAGE',
        '--oauth-flow client_credentials needs --oauth-client-id, --oauth-token-url and --oauth-client-secret-stdin',
      );
    }
    return {
      auth: {
        kind: 'oauth',
        flow: 'client_credentials',
        clientId: opts.oauthClientId,
        tokenUrl: opts.oauthTokenUrl,
        ...scopes,
        ...resource,
        ...(opts.oauthAudience ? { audience: opts.oauthAudience } : {}),
      },
      ...passThrough,
    };
  }
  throw new SwitchboardError(
    'USAGE',
    `--oauth-flow must be authorization_code or client_credentials, not "${opts.oauthFlow}"`,
  );
}
