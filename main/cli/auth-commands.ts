import type { Command } from 'commander';
import type { ServerAuth } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { CredentialStatus } from '../oauth/grant-record.ts';
import type { CliContext } from './context.ts';
import { table } from './output.ts';
import { readSecret } from './read-secret.ts';
import { collect } from './parse-pairs.ts';

/** `switchboard auth …`: connect (browser sign-in or client credentials), status, disconnect, client secrets. */
export function registerAuthCommands(program: Command, ctx: CliContext): void {
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
      hub.registry.servers.get(prefix); // NOT_FOUND before any network
      const scopes = opts.scope.length ? opts.scope : undefined;
      // Loaded on use: the sign-in side pulls in the MCP SDK, which other commands must not pay for.
      const { signInPlace } = await import('./auth-hub.ts');
      const place = await signInPlace(hub, (text) => ctx.out.note(text));
      let status: CredentialStatus;
      if (place.kind === 'running-hub') {
        status = await place.connect(prefix, scopes);
      } else {
        try {
          status = await hub.useCases.auth.connect(prefix, scopes);
        } finally {
          await place.close();
        }
      }
      ctx.out.result(
        status,
        () => `connected ${prefix}${status.scopes.length ? ` (${status.scopes.join(' ')})` : ''}`,
      );
    });

  auth
    .command('status')
    .argument('[prefix]')
    .description('show whether servers have a credential, when it expires and its scopes')
    .action(async (prefix: string | undefined) => {
      const { auth: useCase } = (await ctx.hub()).useCases;
      const statuses = prefix !== undefined ? [await useCase.status(prefix)] : await useCase.statuses();
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
      const result = await (await ctx.hub()).useCases.auth.disconnect(prefix);
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
      hub.registry.servers.get(prefix);
      hub.vault.unlock();
      const secret = await readSecret(`${prefix} client secret: `, ctx.stdin);
      await hub.useCases.auth.setClientSecret(prefix, secret);
      ctx.out.result({ prefix, isSet: true }, () => `stored the client secret of ${prefix}`);
    });

  auth
    .command('unset-secret')
    .argument('<prefix>')
    .description('delete the stored OAuth client secret of a server')
    .action(async (prefix: string) => {
      const { had } = await (await ctx.hub()).useCases.auth.setClientSecret(prefix, undefined);
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
        clientId: opts.oauthClientId || undefined,
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
        audience: opts.oauthAudience || undefined,
      },
      ...passThrough,
    };
  }
  throw new SwitchboardError(
    'USAGE',
    `--oauth-flow must be authorization_code or client_credentials, not "${opts.oauthFlow}"`,
  );
}
