import {
  findReferences,
  replaceReferences,
  templatedFields,
  type EnvVarSpec,
  type ServerDefinition,
} from '../../preload/contract/server-definition.ts';

/**
 * Turns a definition plus the user's values into what actually reaches an upstream: `${NAME}` references
 * substituted (`$${` stays a literal `${`), and every declared variable with a value injected into a stdio
 * server's environment under its own name. Pure: the caller supplies values from the vault and registry.
 */

export type ResolvedServer =
  | { transport: 'stdio'; command: string; args: string[]; cwd?: string; env: Record<string, string> }
  | { transport: 'http' | 'sse'; url: string; headers: Record<string, string> };

export type Resolution =
  | {
      ok: true;
      server: ResolvedServer;
      /** Values that must be redacted wherever output can show them. */ secrets: string[];
    }
  | { ok: false; missing: string[] };

/** Value of each variable: the user's value, else the definition's default; undefined when neither exists. */
export function effectiveValues(
  specs: EnvVarSpec[],
  userValues: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries(specs.map((spec) => [spec.name, userValues[spec.name] ?? spec.default]));
}

/** Names of required variables, and of referenced ones, that have no value. */
export function missingVariables(
  def: ServerDefinition,
  values: Record<string, string | undefined>,
): string[] {
  const referenced = new Set(referencedNames(def));
  return def.envVars
    .filter((spec) => (spec.required || referenced.has(spec.name)) && values[spec.name] === undefined)
    .map((spec) => spec.name);
}

/** Resolves a definition, or lists exactly which variables are missing; never returns unresolved placeholders. */
export function resolveDefinition(
  def: ServerDefinition,
  userValues: Record<string, string | undefined>,
): Resolution {
  const values = effectiveValues(def.envVars, userValues);
  const missing = missingVariables(def, values);
  if (missing.length > 0) return { ok: false, missing };
  const sub = (text: string) => substitute(text, values);
  const secrets = def.envVars
    .filter((s) => s.secret)
    .map((s) => values[s.name])
    .filter((v): v is string => v !== undefined);

  if (def.transport === 'stdio') {
    const declared = Object.fromEntries(
      def.envVars.flatMap((spec) =>
        values[spec.name] === undefined ? [] : [[spec.name, values[spec.name] as string]],
      ),
    );
    const explicit = Object.fromEntries(Object.entries(def.env).map(([k, v]) => [k, sub(v)]));
    return {
      ok: true,
      secrets,
      server: {
        transport: 'stdio',
        command: sub(def.command),
        args: def.args.map(sub),
        cwd: def.cwd === undefined ? undefined : sub(def.cwd),
        env: { ...declared, ...explicit },
      },
    };
  }
  return {
    ok: true,
    secrets,
    server: {
      transport: def.transport,
      url: sub(def.url),
      headers: Object.fromEntries(Object.entries(def.headers).map(([k, v]) => [k, sub(v)])),
    },
  };
}

/** Replaces `${NAME}` with its value and `$${` with a literal `${`. Unknown names are left for the caller to reject. */
export function substitute(text: string, values: Record<string, string | undefined>): string {
  return replaceReferences(text, (name) => values[name]);
}

function referencedNames(def: ServerDefinition): string[] {
  return templatedFields(def).flatMap((field) => findReferences(field.value));
}
