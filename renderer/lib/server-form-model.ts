/**
 * The add/edit server form's values, and the two-way mapping to a server definition. The form is validated
 * with THE ServerDefinitionSchema (after mapping), and every issue path — from the local parse or from a
 * VALIDATION error sent back by main — is mapped back onto the form field that caused it.
 */
import {
  definitionIssues,
  formatIssuePath,
  ServerDefinitionSchema,
  type DefinitionIssue,
} from '../../preload/contract/index.ts';

export type TransportChoice = 'stdio' | 'http' | 'sse';
export type AuthChoice = 'none' | 'authorization_code' | 'client_credentials';

export interface KeyValueRow {
  key: string;
  value: string;
}

export interface EnvVarRow {
  name: string;
  description: string;
  required: boolean;
  secret: boolean;
  default: string;
  /** Add form only: the value to store with the new server (a secret goes to the vault). Never prefilled. */
  value: string;
}

export interface ServerFormValues {
  transport: TransportChoice;
  prefix: string;
  name: string;
  description: string;
  enabled: boolean;
  keepRunning: boolean;
  command: string;
  /** One argument per line. */
  args: string;
  cwd: string;
  env: KeyValueRow[];
  url: string;
  headers: KeyValueRow[];
  authKind: AuthChoice;
  authClientId: string;
  authTokenUrl: string;
  /** Space-separated. */
  authScopes: string;
  authResource: string;
  authAudience: string;
  /** Add form only: the OAuth client's secret, stored with the new server. Never prefilled. */
  authClientSecret: string;
  envVars: EnvVarRow[];
}

/** A blank form. */
export function emptyServerForm(transport: TransportChoice = 'stdio'): ServerFormValues {
  return {
    transport,
    prefix: '',
    name: '',
    description: '',
    enabled: true,
    keepRunning: false,
    command: '',
    args: '',
    cwd: '',
    env: [],
    url: '',
    headers: [],
    authKind: 'none',
    authClientId: '',
    authTokenUrl: '',
    authScopes: '',
    authResource: '',
    authAudience: '',
    authClientSecret: '',
    envVars: [],
  };
}

/** The definition the form describes (not yet validated). Empty optional fields are left out. */
export function toDefinition(values: ServerFormValues): Record<string, unknown> {
  const prefix = values.prefix.trim();
  const def: Record<string, unknown> = {
    transport: values.transport,
    prefix,
    name: values.name.trim() || prefix,
    enabled: values.enabled,
  };
  if (values.description.trim()) def.description = values.description.trim();
  if (values.envVars.length > 0) {
    def.envVars = values.envVars.map((row) => ({
      name: row.name.trim(),
      ...(row.description.trim() ? { description: row.description.trim() } : {}),
      required: row.required,
      secret: row.secret,
      ...(!row.secret && row.default !== '' ? { default: row.default } : {}),
    }));
  }
  if (values.transport === 'stdio') {
    def.command = values.command.trim();
    const args = values.args.split(/\r?\n/).filter((line) => line.trim() !== '');
    if (args.length > 0) def.args = args;
    if (values.cwd.trim()) def.cwd = values.cwd.trim();
    const env = rowsToRecord(values.env);
    if (Object.keys(env).length > 0) def.env = env;
    if (values.keepRunning) def.keepRunning = true;
  } else {
    def.url = values.url.trim();
    const headers = rowsToRecord(values.headers);
    if (Object.keys(headers).length > 0) def.headers = headers;
    const scopes = values.authScopes.split(/\s+/).filter(Boolean);
    if (values.authKind === 'authorization_code') {
      def.auth = {
        kind: 'oauth',
        flow: 'authorization_code',
        ...(values.authClientId.trim() ? { clientId: values.authClientId.trim() } : {}),
        ...(scopes.length ? { scopes } : {}),
        ...(values.authResource.trim() ? { resource: values.authResource.trim() } : {}),
      };
    } else if (values.authKind === 'client_credentials') {
      def.auth = {
        kind: 'oauth',
        flow: 'client_credentials',
        clientId: values.authClientId.trim(),
        tokenUrl: values.authTokenUrl.trim(),
        ...(scopes.length ? { scopes } : {}),
        ...(values.authResource.trim() ? { resource: values.authResource.trim() } : {}),
        ...(values.authAudience.trim() ? { audience: values.authAudience.trim() } : {}),
      };
    }
  }
  return def;
}

/** Fills the form from a definition (a pasted snippet, a catalog template, a stored server). */
export function fromDefinition(def: Record<string, unknown>): ServerFormValues {
  const values = emptyServerForm();
  const transport = def.transport;
  values.transport = transport === 'http' || transport === 'sse' ? transport : 'stdio';
  values.prefix = str(def.prefix);
  values.name = str(def.name);
  values.description = str(def.description);
  values.enabled = def.enabled !== false;
  values.keepRunning = def.keepRunning === true;
  values.command = str(def.command);
  values.args = Array.isArray(def.args) ? def.args.map(String).join('\n') : '';
  values.cwd = str(def.cwd);
  values.env = recordToRows(def.env);
  values.url = str(def.url);
  values.headers = recordToRows(def.headers);
  const auth = isRecord(def.auth) ? def.auth : undefined;
  if (auth?.kind === 'oauth') {
    values.authKind = auth.flow === 'client_credentials' ? 'client_credentials' : 'authorization_code';
    values.authClientId = str(auth.clientId);
    values.authTokenUrl = str(auth.tokenUrl);
    values.authScopes = Array.isArray(auth.scopes) ? auth.scopes.join(' ') : '';
    values.authResource = str(auth.resource);
    values.authAudience = str(auth.audience);
  }
  values.envVars = Array.isArray(def.envVars)
    ? def.envVars.filter(isRecord).map((spec) => ({
        name: str(spec.name),
        description: str(spec.description),
        required: spec.required !== false,
        secret: spec.secret !== false,
        default: str(spec.default),
        value: '',
      }))
    : [];
  return values;
}

/** What the add form stores with the new server besides its definition: values typed in, a client secret. */
export function valuesToStore(values: ServerFormValues): {
  values?: Record<string, string>;
  clientSecret?: string;
} {
  const declared = values.envVars.filter((row) => row.name.trim() !== '' && row.value !== '');
  const out: { values?: Record<string, string>; clientSecret?: string } = {};
  if (declared.length > 0)
    out.values = Object.fromEntries(declared.map((row) => [row.name.trim(), row.value]));
  if (values.transport !== 'stdio' && values.authKind !== 'none' && values.authClientSecret !== '') {
    out.clientSecret = values.authClientSecret;
  }
  return out;
}

/** Where an issue lands in the form: a field name (RHF path), or the form as a whole. */
export interface MappedIssue {
  field: string | null;
  message: string;
}

const DIRECT_FIELDS = new Set([
  'transport',
  'prefix',
  'name',
  'description',
  'enabled',
  'keepRunning',
  'command',
  'cwd',
  'url',
]);
const AUTH_FIELDS: Record<string, string> = {
  kind: 'authKind',
  flow: 'authKind',
  clientId: 'authClientId',
  tokenUrl: 'authTokenUrl',
  scopes: 'authScopes',
  resource: 'authResource',
  audience: 'authAudience',
};
const ENV_VAR_FIELDS = new Set(['name', 'description', 'required', 'secret', 'default']);

/** Maps a definition issue path onto the form field that holds it. */
export function mapIssue(issue: DefinitionIssue, values: ServerFormValues): MappedIssue {
  const [head, second, third] = issue.path;
  if (typeof head === 'string' && DIRECT_FIELDS.has(head) && issue.path.length === 1) {
    return { field: head, message: issue.message };
  }
  if (head === 'args') {
    return {
      field: 'args',
      message: typeof second === 'number' ? `line ${second + 1}: ${issue.message}` : issue.message,
    };
  }
  if ((head === 'env' || head === 'headers') && typeof second === 'string') {
    const rows = head === 'env' ? values.env : values.headers;
    const index = rows.findIndex((row) => row.key.trim() === second);
    if (index >= 0) {
      const aboutKey = /^(environment variable name|header name) "/.test(issue.message);
      return { field: `${head}.${index}.${aboutKey ? 'key' : 'value'}`, message: issue.message };
    }
  }
  if (head === 'envVars' && typeof second === 'number' && second < values.envVars.length) {
    const sub = typeof third === 'string' && ENV_VAR_FIELDS.has(third) ? third : 'name';
    return { field: `envVars.${second}.${sub}`, message: issue.message };
  }
  if (head === 'auth') {
    const sub = typeof second === 'string' ? AUTH_FIELDS[second] : 'authKind';
    if (sub) return { field: sub, message: issue.message };
  }
  return { field: null, message: `${formatIssuePath(issue.path)}: ${issue.message}` };
}

/** Validates the form with ServerDefinitionSchema; issues come back already mapped onto fields. */
export function validateServerForm(values: ServerFormValues): {
  definition: Record<string, unknown> | null;
  issues: MappedIssue[];
} {
  const definition = toDefinition(values);
  const parsed = ServerDefinitionSchema.safeParse(definition);
  if (parsed.success) return { definition, issues: [] };
  const issues = definitionIssues(parsed.error)
    .map((issue) => mapIssue(issue, values))
    // An empty display name defaults to the prefix: its problem is the prefix's, reported there, never
    // "is required" under a field marked optional.
    .filter((issue) => !(issue.field === 'name' && values.name.trim() === ''));
  return { definition: issues.length === 0 ? definition : null, issues };
}

/** A prefix suggestion from a name: lowercase, dashes, within the length limit. */
export function suggestPrefix(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 24)
    .replace(/[-_]+$/, '');
}

function rowsToRecord(rows: readonly KeyValueRow[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key) record[key] = row.value;
  }
  return record;
}

function recordToRows(value: unknown): KeyValueRow[] {
  return isRecord(value) ? Object.entries(value).map(([key, v]) => ({ key, value: String(v) })) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
