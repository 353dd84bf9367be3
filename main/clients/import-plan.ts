import {
  CREDENTIAL_HEADERS,
  ServerDefinitionSchema,
  describeIssues,
  type ServerDefinitionInput,
} from '../../preload/contract/server-definition.ts';
import type { ImportedServer } from './client-adapter.ts';
import { sanitizePrefix, uniquePrefix } from './prefix.ts';
import { convertReferences, toEnvName, type ValueReference } from './references.ts';
import { isSecretPair, looksSecretName, looksSecretValue } from '../lib/secret-detection.ts';
import { pointsAtSwitchboard, type SelfIdentity } from './self-entry.ts';

/**
 * Turns the servers found in a client's file into Switchboard definitions, as a dry-run plan a preview can
 * print before anything is stored. Pure: no vault, no registry. Secret values never enter a definition; they
 * travel in `secrets` for the caller to put in the vault, and the definition declares a secret variable.
 */

export interface ImportPlanOptions {
  /** The client the servers came from ("Claude Desktop"), for descriptions and notes. */
  clientName: string;
  /** Prefixes already in the registry; new ones never collide with them. */
  existingPrefixes?: Iterable<string>;
  /** How to recognise Switchboard's own entry. */
  self?: SelfIdentity;
}

export interface ImportPlanAdd {
  definition: ServerDefinitionInput;
  /** The client entry names this definition replaces (more than one when duplicates were merged). */
  fromNames: string[];
  /** Declared secret variables whose values are in `plan.secrets`. */
  secretNames: string[];
  /** Declared variables the client file only referred to: their values must be set in Switchboard. */
  missingNames: string[];
  /** Things a person should know (dropped fields, converted references). */
  notes: string[];
}

export interface ImportSecret {
  prefix: string;
  name: string;
  value: string;
}

export interface ImportPlan {
  add: ImportPlanAdd[];
  skipped: { name: string; reason: string }[];
  secrets: ImportSecret[];
}

type Runnable = Exclude<ImportedServer, { transport: 'unsupported' }>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Builds the dry-run plan; see the module comment. */
export function buildImportPlan(servers: ImportedServer[], options: ImportPlanOptions): ImportPlan {
  const skipped: ImportPlan['skipped'] = [];
  const runnable: Runnable[] = [];
  for (const server of servers) {
    if (server.transport === 'unsupported') skipped.push({ name: server.name, reason: server.reason });
    else if (pointsAtSwitchboard(server, options.self))
      skipped.push({ name: server.name, reason: 'it is Switchboard itself' });
    else runnable.push(server);
  }

  const taken = new Set(options.existingPrefixes ?? []);
  const add: ImportPlanAdd[] = [];
  const secrets: ImportSecret[] = [];
  for (const group of groupDuplicates(runnable)) {
    const first = group[0];
    if (first === undefined) continue;
    const prefix = uniquePrefix(sanitizePrefix(first.name), taken);
    const built = buildDefinition(
      prefix,
      mergeGroup(group),
      group.map((s) => s.name),
      options.clientName,
    );
    const parsed = ServerDefinitionSchema.safeParse(built.add.definition);
    if (!parsed.success) {
      for (const server of group) {
        skipped.push({
          name: server.name,
          reason: `it cannot be imported: ${describeIssues(parsed.error).join('; ')}`,
        });
      }
      continue;
    }
    taken.add(prefix);
    add.push(built.add);
    secrets.push(...built.secrets);
  }
  return { add, skipped, secrets };
}

/** Entries that start the same command or reach the same URL, with no conflicting values, are one server. */
function groupDuplicates(servers: Runnable[]): Runnable[][] {
  const groups: Runnable[][] = [];
  for (const server of servers) {
    const group = groups.find(
      (g) => g[0] !== undefined && sameServer(g[0], server) && g.every((s) => compatible(s, server)),
    );
    if (group === undefined) groups.push([server]);
    else group.push(server);
  }
  return groups;
}

function sameServer(a: Runnable, b: Runnable): boolean {
  if (a.transport === 'stdio' && b.transport === 'stdio') {
    return (
      a.command.trim() === b.command.trim() && JSON.stringify(normalArgs(a)) === JSON.stringify(normalArgs(b))
    );
  }
  if (a.transport !== 'stdio' && b.transport !== 'stdio') return normalUrl(a.url) === normalUrl(b.url);
  return false;
}

/** `npx -y pkg` and `npx pkg` start the same package. */
function normalArgs(server: Extract<Runnable, { transport: 'stdio' }>): string[] {
  const isNpx = /(^|[\\/])npx(\.cmd|\.exe)?$/i.test(server.command.trim());
  return isNpx ? server.args.filter((a) => a !== '-y' && a !== '--yes') : server.args;
}

function normalUrl(url: string): string {
  try {
    return new URL(url).href.replace(/\/+$/, '');
  } catch {
    return url;
  }
}

function compatible(a: Runnable, b: Runnable): boolean {
  if (a.transport === 'stdio' && b.transport === 'stdio') {
    return agree(a.env, b.env) && (a.cwd === undefined || b.cwd === undefined || a.cwd === b.cwd);
  }
  if (a.transport !== 'stdio' && b.transport !== 'stdio')
    return a.transport === b.transport && agree(a.headers, b.headers);
  return false;
}

function agree(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.entries(a).every(([k, v]) => b[k] === undefined || b[k] === v);
}

function mergeGroup(group: Runnable[]): Runnable {
  const [first, ...rest] = group;
  if (first === undefined) throw new Error('empty duplicate group');
  const disabled = group.every((s) => s.disabled === true);
  if (first.transport === 'stdio') {
    const env = Object.assign({}, ...group.map((s) => (s.transport === 'stdio' ? s.env : {}))) as Record<
      string,
      string
    >;
    const cwd = group.map((s) => (s.transport === 'stdio' ? s.cwd : undefined)).find((c) => c !== undefined);
    return { ...first, env, cwd, disabled };
  }
  const headers = Object.assign(
    {},
    first.headers,
    ...rest.map((s) => (s.transport === 'stdio' ? {} : s.headers)),
  ) as Record<string, string>;
  return { ...first, headers, disabled };
}

interface Built {
  add: ImportPlanAdd;
  secrets: ImportSecret[];
}

/** One definition from one (merged) entry. */
function buildDefinition(prefix: string, server: Runnable, fromNames: string[], clientName: string): Built {
  const vars = new Variables(prefix, clientName);
  const notes: string[] = [];
  const common = {
    prefix,
    name: server.name.trim().slice(0, 100) || prefix,
    description: `Imported from ${clientName}`,
    enabled: server.disabled !== true,
  };

  let definition: ServerDefinitionInput;
  if (server.transport === 'stdio') {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(server.env)) {
      if (!ENV_NAME.test(key)) {
        notes.push(`dropped env "${key}": not a valid variable name`);
        continue;
      }
      const converted = convertReferences(value);
      if (converted.references.length > 0) {
        vars.reference(converted.references, looksSecretName(key));
        // `${KEY}` for KEY itself is what declaring KEY already does: declared variables reach the process env.
        if (converted.value !== `\${${key}}`) env[key] = converted.value;
      } else if (isSecretPair(key, value)) {
        vars.secret(key, value);
      } else {
        env[key] = escapeDollar(value);
      }
    }
    let cwd: string | undefined;
    if (server.cwd !== undefined) {
      if (/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(server.cwd)) cwd = server.cwd;
      else notes.push(`dropped working directory "${server.cwd}": Switchboard needs an absolute path`);
    }
    definition = {
      ...common,
      transport: 'stdio',
      command: vars.template(server.command),
      args: server.args.map((arg, i) => argument(arg, i, vars, notes)),
      ...(cwd === undefined ? {} : { cwd: vars.template(cwd) }),
      env,
      envVars: vars.specs(),
    };
  } else {
    const headers: Record<string, string> = {};
    const url = stripUrlSecrets(server.url, vars, headers, notes);
    for (const [header, value] of Object.entries(server.headers)) {
      if (!HEADER_NAME.test(header)) {
        notes.push(`dropped header "${header}": not a valid header name`);
        continue;
      }
      headers[header] = headerValue(header, value, vars);
    }
    definition = { ...common, transport: server.transport, url, headers, envVars: vars.specs() };
  }
  if (fromNames.length > 1) notes.unshift(`merged duplicate entries: ${fromNames.join(', ')}`);
  return {
    add: { definition, fromNames, secretNames: vars.secretNames(), missingNames: vars.missingNames(), notes },
    secrets: vars.secretValues(),
  };
}

/** An argument: a credential in it (a connection string with a password, a token) moves to the vault. */
function argument(arg: string, index: number, vars: Variables, notes: string[]): string {
  if (!arg.includes('${') && looksSecretValue(arg)) {
    const kind = /^[a-z][a-z0-9+.-]*:\/\//i.test(arg) ? 'URL' : `ARG_${index + 1}`;
    notes.push(
      `moved a credential in argument ${index + 1} to the vault (the server still gets it on its command line, ` +
        'which other local users can read: use an environment variable if it takes one)',
    );
    return `\${${vars.secret(`${toEnvName(vars.prefix)}_${kind}`, arg)}}`;
  }
  return vars.template(arg);
}

/** A header's value in a definition: references kept as variables, literal credentials moved to the vault. */
function headerValue(header: string, value: string, vars: Variables): string {
  const converted = convertReferences(value);
  const credential = CREDENTIAL_HEADERS.includes(header.toLowerCase()) || looksSecretName(header);
  if (converted.references.length > 0) {
    vars.reference(converted.references, credential);
    return converted.value;
  }
  if (!credential && !looksSecretValue(value)) return escapeDollar(value);
  // Keep the scheme readable ("Bearer ${GITHUB_TOKEN}"); only the credential itself is secret.
  const scheme = /^(Bearer|Basic|Token|token)\s+(\S.*)$/.exec(value.trim());
  if (scheme?.[1] !== undefined && scheme[2] !== undefined) {
    const name = vars.secret(`${toEnvName(vars.prefix)}_TOKEN`, scheme[2]);
    return `${scheme[1]} \${${name}}`;
  }
  return `\${${vars.secret(toEnvName(header), value)}}`;
}

/**
 * URLs may not carry credentials in a definition: `user:pass@` becomes a Basic Authorization header with a
 * secret value, and query parameters that look secret (`?api_key=…`) become secret variables.
 */
function stripUrlSecrets(
  raw: string,
  vars: Variables,
  headers: Record<string, string>,
  notes: string[],
): string {
  const converted = convertReferences(raw);
  if (converted.references.length > 0) vars.reference(converted.references, true);
  let url: URL;
  try {
    url = new URL(converted.value);
  } catch {
    return converted.value;
  }
  let changed = false;
  if (url.username !== '' || url.password !== '') {
    const basic = Buffer.from(
      `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
    ).toString('base64');
    headers.Authorization = `Basic \${${vars.secret(`${toEnvName(vars.prefix)}_BASIC_AUTH`, basic)}}`;
    url.username = '';
    url.password = '';
    notes.push('moved the user name and password in the URL to a Basic Authorization header');
    changed = true;
  }
  const query: string[] = [];
  for (const [key, value] of url.searchParams) {
    if (value !== '' && !value.includes('${') && (looksSecretName(key) || looksSecretValue(value))) {
      query.push(`${encodeURIComponent(key)}=\${${vars.secret(toEnvName(key), value)}}`);
      changed = true;
    } else {
      query.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    }
  }
  if (!changed) return converted.value;
  url.search = '';
  return url.href + (query.length > 0 ? `?${query.join('&')}` : '');
}

/** `$${` is Switchboard's escape for a literal `${`; literal values never contain references. */
function escapeDollar(value: string): string {
  return value.replace(/\$\{/g, '$${');
}

/** The variables one definition declares, and the secret values that go with them. */
class Variables {
  readonly prefix: string;
  private readonly clientName: string;
  private readonly declared = new Map<
    string,
    { secret: boolean; required: boolean; description: string; default?: string }
  >();
  private readonly values = new Map<string, string>();
  private readonly missing = new Set<string>();

  constructor(prefix: string, clientName: string) {
    this.prefix = prefix;
    this.clientName = clientName;
  }

  /** Declares a secret with a value for the vault; returns the (possibly renamed) variable name. */
  secret(wanted: string, value: string): string {
    let name = wanted;
    for (let n = 2; this.declared.has(name) && this.values.get(name) !== value; n++) name = `${wanted}_${n}`;
    this.declared.set(name, {
      secret: true,
      required: true,
      description: `Imported from ${this.clientName}`,
    });
    this.values.set(name, value);
    return name;
  }

  /** Declares variables a value referred to; their values are not in the file. */
  reference(references: ValueReference[], secret: boolean): void {
    for (const ref of references) {
      const existing = this.declared.get(ref.name);
      if (existing !== undefined) continue;
      const isSecret = secret || looksSecretName(ref.name);
      const description = `Was ${ref.original} in ${this.clientName}; set its value in Switchboard`;
      if (ref.default !== undefined && !isSecret) {
        this.declared.set(ref.name, { secret: false, required: false, description, default: ref.default });
      } else {
        this.declared.set(ref.name, { secret: isSecret, required: true, description });
        this.missing.add(ref.name);
      }
    }
  }

  /** Converts references in any templated field (command, args, cwd) and declares them. */
  template(value: string): string {
    const converted = convertReferences(value);
    if (converted.references.length === 0) return escapeDollar(value);
    this.reference(converted.references, false);
    return converted.value;
  }

  specs(): NonNullable<ServerDefinitionInput['envVars']> {
    return [...this.declared].map(([name, spec]) => ({ name, ...spec }));
  }

  secretNames(): string[] {
    return [...this.values.keys()];
  }

  missingNames(): string[] {
    return [...this.missing];
  }

  secretValues(): ImportSecret[] {
    return [...this.values].map(([name, value]) => ({ prefix: this.prefix, name, value }));
  }
}
