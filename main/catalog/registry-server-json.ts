import path from 'node:path';
import {
  ServerDefinitionSchema,
  describeIssues,
  findReferences,
  replaceReferences,
  templatedFields,
  type EnvVarSpec,
  type ServerDefinition,
  type ServerDefinitionInput,
} from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';

/**
 * Describes a definition in the official MCP Registry `server.json` format (schema 2025-12-11): `packages[]`
 * for npx/uvx/docker commands, `remotes[]` for URLs. Switchboard's `${NAME}` references become the registry's
 * `{NAME}` placeholders with a `variables` entry each. Only variable names and descriptions are exported:
 * definitions never hold secret values, and secret variables never get a default.
 */

export const SERVER_JSON_SCHEMA =
  'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';

export interface RegistryInput {
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  default?: string;
  format?: 'string';
}

export interface RegistryKeyValue extends RegistryInput {
  name: string;
  value?: string;
  variables?: Record<string, RegistryInput>;
}

export interface RegistryArgument extends RegistryInput {
  type: 'positional' | 'named';
  name?: string;
  value?: string;
  variables?: Record<string, RegistryInput>;
}

export interface RegistryPackage {
  registryType: 'npm' | 'pypi' | 'oci';
  identifier: string;
  version?: string;
  runtimeHint: string;
  transport: { type: 'stdio' };
  runtimeArguments?: RegistryArgument[];
  packageArguments?: RegistryArgument[];
  environmentVariables?: RegistryKeyValue[];
}

export interface RegistryRemote {
  type: 'streamable-http' | 'sse';
  url: string;
  variables?: Record<string, RegistryInput>;
  headers?: RegistryKeyValue[];
}

export interface RegistryServerJson {
  $schema: string;
  name: string;
  title: string;
  description: string;
  version: string;
  websiteUrl?: string;
  packages?: RegistryPackage[];
  remotes?: RegistryRemote[];
}

export interface RegistryExportOptions {
  /** Reverse-DNS namespace of the publisher (`io.github.alice`); the server name is `<namespace>/<prefix>`. */
  namespace?: string;
  version?: string;
  websiteUrl?: string;
}

/** A definition as a registry `server.json` entry; VALIDATION when the definition is invalid or not describable. */
export function toRegistryServerJson(
  input: ServerDefinitionInput,
  options: RegistryExportOptions = {},
): RegistryServerJson {
  const parsed = ServerDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw new SwitchboardError(
      'VALIDATION',
      `invalid definition: ${describeIssues(parsed.error).join('; ')}`,
    );
  }
  const def = parsed.data;
  const namespace = options.namespace ?? 'local.switchboard';
  if (!/^[a-zA-Z0-9.-]+$/.test(namespace)) {
    throw new SwitchboardError(
      'VALIDATION',
      `namespace "${namespace}" must be reverse-DNS (letters, digits, "." and "-")`,
    );
  }
  const specs = new Map(def.envVars.map((spec) => [spec.name, spec]));
  const description = (def.description?.trim() || def.name).slice(0, 100);
  return {
    $schema: SERVER_JSON_SCHEMA,
    name: `${namespace}/${def.prefix}`,
    title: def.name,
    description,
    version: options.version ?? '1.0.0',
    websiteUrl: options.websiteUrl,
    ...(def.transport === 'stdio'
      ? { packages: [toPackage(def, specs)] }
      : { remotes: [toRemote(def, specs)] }),
  };
}

type Specs = Map<string, EnvVarSpec>;

function toPackage(def: Extract<ServerDefinition, { transport: 'stdio' }>, specs: Specs): RegistryPackage {
  const runtime = path.win32
    .basename(def.command)
    .toLowerCase()
    .replace(/\.(cmd|exe)$/, '');
  const args = [...def.args];
  let registryType: RegistryPackage['registryType'];
  let spec: string | undefined;
  const runtimeArguments: RegistryArgument[] = [];
  if (runtime === 'npx') {
    registryType = 'npm';
    while (args[0] === '-y' || args[0] === '--yes') args.shift();
    spec = args.shift();
  } else if (runtime === 'uvx') {
    registryType = 'pypi';
    if (args[0] === '--from') {
      args.shift();
      spec = args.shift();
      args.shift(); // the executable name, which the registry assumes from the package
    } else {
      spec = args.shift();
    }
  } else if (runtime === 'docker' && args[0] === 'run') {
    registryType = 'oci';
    args.shift();
    while (args[0]?.startsWith('-')) {
      const flag = args.shift() as string;
      if (DOCKER_VALUE_FLAGS.has(flag))
        runtimeArguments.push(argument('named', args.shift() ?? '', specs, flag));
      else runtimeArguments.push({ type: 'named', name: flag });
    }
    spec = args.shift();
  } else {
    throw new SwitchboardError(
      'VALIDATION',
      `only npx, uvx and docker commands can be described as registry packages; "${def.command}" cannot`,
    );
  }
  if (spec === undefined) throw new SwitchboardError('VALIDATION', `"${def.command}" has no package to run`);
  const { identifier, version } = splitVersion(spec, registryType);
  const environmentVariables = environment(def, specs);
  return {
    registryType,
    identifier,
    version,
    runtimeHint: runtime,
    transport: { type: 'stdio' },
    ...(runtimeArguments.length > 0 ? { runtimeArguments } : {}),
    ...(args.length > 0 ? { packageArguments: args.map((a) => argument('positional', a, specs)) } : {}),
    ...(environmentVariables.length > 0 ? { environmentVariables } : {}),
  };
}

const DOCKER_VALUE_FLAGS = new Set([
  '-e',
  '--env',
  '-v',
  '--volume',
  '-p',
  '--publish',
  '--name',
  '--network',
  '--mount',
  '-w',
  '--workdir',
  '-u',
  '--user',
  '--entrypoint',
  '--platform',
  '--env-file',
]);

function toRemote(
  def: Extract<ServerDefinition, { transport: 'http' | 'sse' }>,
  specs: Specs,
): RegistryRemote {
  const url = placeholders(def.url, specs);
  const headers = Object.entries(def.headers).map(([name, value]) => keyValue(name, value, specs));
  return {
    type: def.transport === 'http' ? 'streamable-http' : 'sse',
    url: url.value,
    variables: url.variables,
    ...(headers.length > 0 ? { headers } : {}),
  };
}

/**
 * Declared variables reach the process under their own names, so those not already used as placeholders in
 * the arguments are environment variables to ask for; literal `env` entries are fixed values.
 */
function environment(
  def: Extract<ServerDefinition, { transport: 'stdio' }>,
  specs: Specs,
): RegistryKeyValue[] {
  const used = new Set(templatedFields(def).flatMap((field) => findReferences(field.value)));
  const declared = def.envVars
    .filter((spec) => def.env[spec.name] === undefined && !used.has(spec.name))
    .map((spec) => ({ name: spec.name, ...input(spec) }));
  const literal = Object.entries(def.env).map(([name, value]) => keyValue(name, value, specs));
  return [...declared, ...literal];
}

function keyValue(name: string, value: string, specs: Specs): RegistryKeyValue {
  const converted = placeholders(value, specs);
  if (converted.variables === undefined) return { name, value: converted.value };
  const secret = Object.values(converted.variables).some((v) => v.isSecret === true);
  return { name, value: converted.value, isRequired: true, isSecret: secret, variables: converted.variables };
}

function argument(
  type: 'positional' | 'named',
  value: string,
  specs: Specs,
  name?: string,
): RegistryArgument {
  const converted = placeholders(value, specs);
  return {
    type,
    name,
    value: converted.value,
    variables: converted.variables,
  };
}

/** `${NAME}` → `{NAME}` with a variable each; `$${` (Switchboard's escaped `${`) → a literal `${`. */
function placeholders(
  value: string,
  specs: Specs,
): { value: string; variables?: Record<string, RegistryInput> } {
  const variables: Record<string, RegistryInput> = {};
  const out = replaceReferences(value, (name) => {
    const spec = specs.get(name);
    variables[name] = spec === undefined ? { isRequired: true } : input(spec);
    return `{${name}}`;
  });
  return Object.keys(variables).length === 0 ? { value: out } : { value: out, variables };
}

function input(spec: EnvVarSpec): RegistryInput {
  return {
    description: spec.description,
    isRequired: spec.required,
    isSecret: spec.secret,
    ...(spec.secret || spec.default === undefined ? {} : { default: spec.default }),
    format: 'string',
  };
}

/** `@scope/pkg@1.2.3` → identifier and version; `latest` is not a version the registry accepts. */
function splitVersion(
  spec: string,
  registryType: RegistryPackage['registryType'],
): { identifier: string; version?: string } {
  if (registryType === 'oci') return { identifier: spec };
  const match =
    registryType === 'npm' ? /^(@?[^@]+)@(.+)$/.exec(spec) : /^([^@=<>~!]+)(?:@|==)(.+)$/.exec(spec);
  const identifier = match?.[1] ?? spec;
  const version = match?.[2];
  return version === undefined || version === 'latest' ? { identifier } : { identifier, version };
}
