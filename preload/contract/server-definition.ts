import { z } from 'zod';

/**
 * THE server definition schema. Every entry point (CLI, IPC, web mode, import, catalog) validates with it,
 * so a definition means the same thing wherever it came from. It carries no secret values, ever.
 */

/** Exposed tool names are `<prefix>__<tool>` within 64 characters; a short prefix leaves room for the tool. */
export const PREFIX_MAX_LENGTH = 24;

/** A string field whose absence reads "is required" rather than a type error. */
function requiredString(what = 'is required') {
  return z.string({ error: (issue) => (issue.input === undefined ? what : 'must be a string') });
}

export const PrefixSchema = requiredString()
  .min(1, 'is required')
  .max(
    PREFIX_MAX_LENGTH,
    `must be at most ${PREFIX_MAX_LENGTH} characters so "prefix__tool" fits name limits`,
  )
  .regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    'must start with a lowercase letter or digit and use only a-z, 0-9, "-" and "_"',
  )
  .refine((p) => !p.includes('__'), 'must not contain "__" (it separates the prefix from the tool name)')
  .refine((p) => !/[-_]$/.test(p), 'must not end with "-" or "_"');

export const EnvNameSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must be a valid environment variable name (letters, digits, "_"; not starting with a digit)',
  )
  .max(128, 'must be at most 128 characters');

// RFC 9110 token characters.
const HeaderNameSchema = z
  .string()
  .regex(
    /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/,
    'must be a valid HTTP header name (no spaces, colons or control characters)',
  );

// Header values may not contain CR/LF (header injection) or other control characters (tab is allowed).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HEADER_VALUE_PATTERN = /^[^\0-\x08\x0a-\x1f\x7f]*$/;
const HeaderValueSchema = z
  .string()
  .regex(HEADER_VALUE_PATTERN, 'must not contain line breaks or control characters');

/** Headers that carry credentials must take their value from a (secret) variable, never a literal. */
export const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key'];

export const EnvVarSpecSchema = z
  .strictObject(
    {
      name: EnvNameSchema,
      description: z.string().max(500).optional(),
      required: z.boolean().default(true),
      secret: z.boolean().default(true),
      default: z.string().max(4096).optional(),
    },
    { error: unknownFieldError },
  )
  .refine((spec) => !(spec.secret && spec.default !== undefined), {
    message: 'a secret variable cannot have a default value (defaults are stored in plain text)',
    path: ['default'],
  });

/**
 * Zod reports a bad record key as "Invalid key in record"; name the key and say why instead
 * (the issue's path already ends with the key, the message repeats it for people reading logs).
 */
function invalidKeyError(what: string) {
  return (issue: { code?: string; input?: unknown; issues?: readonly { message: string }[] }) => {
    if (issue.code !== 'invalid_key') return undefined;
    const why = issue.issues?.map((i) => i.message).join('; ') || 'is not allowed';
    return `${what} "${String(issue.input)}" is invalid: it ${why}`;
  };
}

/** Strict objects report every unknown key in one issue; `definitionIssues` splits it per field. */
function unknownFieldError(issue: { code?: string }) {
  return issue.code === 'unrecognized_keys' ? 'is not a known field' : undefined;
}

const absolutePathPattern = /^(\/|[A-Za-z]:[\\/]|\\\\|\$\{)/;

/**
 * What happens when a server's tools differ from the definitions pinned when they were first seen (issue 14):
 * `approve-changes` (default) withholds changed and new tools until a person approves them, `approve-new-only`
 * withholds only new tools (changed ones are re-pinned as they come), `trust` withholds nothing.
 */
export const TOOL_CHANGE_POLICIES = ['approve-changes', 'approve-new-only', 'trust'] as const;
export type ToolChangePolicy = (typeof TOOL_CHANGE_POLICIES)[number];
export const DEFAULT_TOOL_CHANGE_POLICY: ToolChangePolicy = 'approve-changes';

/**
 * What the secret-leak guard does with a vault secret or a known credential format in this server's traffic:
 * `redact` (default) replaces it with a marker naming its kind, `block` answers an isError result instead,
 * `off` lets it through.
 */
export const LEAK_GUARD_POLICIES = ['redact', 'block', 'off'] as const;
export type LeakGuardPolicy = (typeof LEAK_GUARD_POLICIES)[number];
export const DEFAULT_LEAK_GUARD_POLICY: LeakGuardPolicy = 'redact';

const common = {
  prefix: PrefixSchema,
  name: requiredString().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().default(true),
  /** Keep a stdio server running even when idle (skips idle stop). */
  keepRunning: z.boolean().default(false),
  envVars: z.array(EnvVarSpecSchema).max(100).default([]),
  // Optional without a zod default: rows stored before these fields existed read as they were, and every
  // reader applies the default (DEFAULT_TOOL_CHANGE_POLICY, DEFAULT_LEAK_GUARD_POLICY) itself.
  toolChanges: z
    .enum(TOOL_CHANGE_POLICIES, { error: () => 'must be "approve-changes", "approve-new-only" or "trust"' })
    .optional(),
  leakGuard: z.enum(LEAK_GUARD_POLICIES, { error: () => 'must be "redact", "block" or "off"' }).optional(),
};

export const StdioServerSchema = z.strictObject(
  {
    ...common,
    transport: z.literal('stdio'),
    command: requiredString('is required for a stdio server').trim().min(1, 'is required for a stdio server'),
    args: z.array(z.string()).max(256).default([]),
    cwd: z.string().regex(absolutePathPattern, 'must be an absolute path').optional(),
    env: z
      .record(EnvNameSchema, z.string().max(32_768), { error: invalidKeyError('environment variable name') })
      .default({}),
  },
  { error: unknownFieldError },
);

const HttpUrlSchema = requiredString('is required for a remote server')
  .trim()
  .min(1, 'is required for a remote server')
  .refine(isHttpUrl, 'must be an http:// or https:// URL')
  .refine(
    (u) => !hasUserInfo(u),
    'must not contain a user name or password; put credentials in a secret variable',
  );

// OAuth scopes are RFC 6749 scope-tokens: printable ASCII without space, '"' or '\\'.
const ScopeSchema = z
  .string()
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be one OAuth scope without spaces or quotes');
const ScopesSchema = z.array(ScopeSchema).max(64, 'must list at most 64 scopes');
const OptionalUrlSchema = z.string().max(2048).refine(isHttpUrl, 'must be an http:// or https:// URL');

/** A client secret travels to the token endpoint: only over TLS, or to this machine. */
const TokenUrlSchema = requiredString('is required for the client_credentials flow')
  .trim()
  .refine(isHttpUrl, 'must be an http:// or https:// URL')
  .refine(
    isSecureOrLoopback,
    'must use https:// (plain http:// is allowed only for localhost / 127.0.0.1 / [::1])',
  )
  .refine((u) => !hasUserInfo(u), 'must not contain a user name or password');

const ClientIdSchema = z.string().trim().min(1, 'must not be empty').max(2048);

/**
 * How the gateway authenticates to a remote server. The flow is stored explicitly, never guessed.
 * Client secrets are NOT part of a definition: they live in the vault (owner `oauth-client:<prefix>`).
 */
export const ServerAuthSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('none') }, { error: unknownFieldError }),
    z.discriminatedUnion(
      'flow',
      [
        z.strictObject(
          {
            kind: z.literal('oauth'),
            flow: z.literal('authorization_code'),
            /** Pre-registered client id; absent → Client ID Metadata Document or dynamic registration. */
            clientId: ClientIdSchema.optional(),
            scopes: ScopesSchema.optional(),
            /** Overrides the RFC 8707 resource indicator (normally the protected-resource metadata's `resource`). */
            resource: OptionalUrlSchema.optional(),
          },
          { error: unknownFieldError },
        ),
        z.strictObject(
          {
            kind: z.literal('oauth'),
            flow: z.literal('client_credentials'),
            clientId: requiredString('is required for the client_credentials flow')
              .trim()
              .min(1, 'is required for the client_credentials flow')
              .max(2048),
            tokenUrl: TokenUrlSchema,
            scopes: ScopesSchema.optional(),
            resource: OptionalUrlSchema.optional(),
            /** Some providers (Auth0 and friends) want `audience` instead of, or besides, `resource`. */
            audience: z.string().trim().min(1).max(2048).optional(),
          },
          { error: unknownFieldError },
        ),
      ],
      { error: () => 'must be "authorization_code" or "client_credentials"' },
    ),
  ],
  { error: () => 'must be { "kind": "none" } or { "kind": "oauth", "flow": … }' },
);

export type ServerAuth = z.output<typeof ServerAuthSchema>;

export const RemoteServerSchema = z
  .strictObject(
    {
      ...common,
      transport: z.enum(['http', 'sse']),
      url: HttpUrlSchema,
      headers: z
        .record(HeaderNameSchema, HeaderValueSchema, { error: invalidKeyError('header name') })
        .default({}),
      auth: ServerAuthSchema.optional(),
      /** Delegate auth: the per-server route relays the calling client's own bearer token upstream. */
      passThrough: z.boolean().optional(),
    },
    { error: unknownFieldError },
  )
  .superRefine((def, ctx) => {
    for (const [name, value] of Object.entries(def.headers)) {
      if (CREDENTIAL_HEADERS.includes(name.toLowerCase()) && findReferences(value).length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['headers', name],
          message: `carries a credential: declare a secret variable and use \${NAME} in the value instead of a literal`,
        });
      }
    }
  });

/** A server definition as entered by a person or a file (defaults not yet applied are filled by parsing). */
export const ServerDefinitionSchema = z
  .discriminatedUnion('transport', [StdioServerSchema, RemoteServerSchema], {
    error: (issue) => {
      // Typed as union-only, but a non-object input arrives here as invalid_type.
      if ((issue.code as string) === 'invalid_type') return 'must be an object describing a server';
      const input = issue.input as { transport?: unknown } | undefined;
      return input?.transport === undefined
        ? 'is required: "stdio", "http" or "sse"'
        : 'must be "stdio", "http" or "sse"';
    },
  })
  .superRefine((def, ctx) => {
    const declared = new Set<string>();
    def.envVars.forEach((spec, i) => {
      if (declared.has(spec.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['envVars', i, 'name'],
          message: `declares "${spec.name}" twice`,
        });
      }
      declared.add(spec.name);
    });
    for (const { path, value } of templatedFields(def)) {
      for (const ref of findReferences(value)) {
        if (!declared.has(ref)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `uses \${${ref}}, but no variable ${ref} is declared: declare it as a variable of this server`,
          });
        }
      }
    }
  });

export type ServerDefinitionInput = z.input<typeof ServerDefinitionSchema>;
export type ServerDefinition = z.output<typeof ServerDefinitionSchema>;
export type StdioServerDefinition = z.output<typeof StdioServerSchema>;
export type RemoteServerDefinition = z.output<typeof RemoteServerSchema>;
export type EnvVarSpec = z.output<typeof EnvVarSpecSchema>;
export type Transport = ServerDefinition['transport'];

/** A stored definition: what was validated plus bookkeeping. */
/**
 * A server as the registry holds it. `id` is its identity: stable across renames and never reused, so
 * everything that belongs to a server (secrets, OAuth grants, catalog, switches, history) is keyed by it;
 * `prefix` is only the name people and clients use.
 */
export type StoredServer = ServerDefinition & { id: number; createdAt: string; updatedAt: string };

/** Every string field of a definition that may contain `${NAME}` references, with its path. */
export function templatedFields(def: ServerDefinition): { path: (string | number)[]; value: string }[] {
  if (def.transport === 'stdio') {
    return [
      { path: ['command'], value: def.command },
      ...def.args.map((value, i) => ({ path: ['args', i], value })),
      ...(def.cwd === undefined ? [] : [{ path: ['cwd'], value: def.cwd }]),
      ...Object.entries(def.env).map(([k, value]) => ({ path: ['env', k], value })),
    ];
  }
  return [
    { path: ['url'], value: def.url },
    ...Object.entries(def.headers).map(([k, value]) => ({ path: ['headers', k], value })),
  ];
}

/** Names referenced as `${NAME}` in `text`; `$${` is an escaped literal `${`. */
export function findReferences(text: string): string[] {
  const refs: string[] = [];
  replaceReferences(text, (name) => {
    refs.push(name);
    return '';
  });
  return refs;
}

/**
 * THE `${NAME}` scanner: replaces each reference with what `replace(name)` returns (undefined keeps it as
 * written) and turns the escape `$${` into a literal `${`.
 */
export function replaceReferences(text: string, replace: (name: string) => string | undefined): string {
  return text.replace(/\$?\$\{([^}]*)\}/g, (match, name: string) =>
    match.startsWith('$$') ? match.slice(1) : (replace(name) ?? match),
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isSecureOrLoopback(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return true;
    return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

function hasUserInfo(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** One problem with a definition, located by its field path (`['headers', 'Authorization']`). */
export interface DefinitionIssue {
  path: (string | number)[];
  message: string;
}

/** The issues of a failed parse, one per field: an unknown-keys issue becomes one issue per unknown key. */
export function definitionIssues(error: z.ZodError): DefinitionIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], message: issue.message }));
    }
    return [{ path, message: issue.message }];
  });
}

/** Formats a field path for people: `envVars.0.name`, or `(definition)` for the whole thing. */
export function formatIssuePath(path: readonly (string | number)[]): string {
  return path.length ? path.join('.') : '(definition)';
}

/** One line per problem, each naming the field path: `headers.Authorization: carries a credential…`. */
export function describeIssues(error: z.ZodError): string[] {
  return definitionIssues(error).map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
}
