import { buildImportPlan } from '../clients/import-plan.ts';
import { cursor } from '../clients/cursor.ts';
import { isObject } from '../clients/json-values.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';
import { detailOf, summaryOf } from './server-views.ts';

/** servers.*: the registry's servers, with the pool, health and OAuth told about every change. */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  const { registry, variables } = services.hub;

  return {
    'servers.list': () => registry.servers.list().map((s) => summaryOf(services, s)),

    'servers.get': ({ prefix }) => detailOf(services, registry.servers.get(prefix)),

    'servers.add': async ({ definition }) => {
      // The repository validates with ServerDefinitionSchema: VALIDATION carries details.issues per field.
      const stored = registry.servers.add(definition);
      await services.serversChanged(stored.prefix);
      return summaryOf(services, stored);
    },

    'servers.update': async ({ prefix, definition }) => {
      const stored = registry.servers.update(prefix, definition);
      if (stored.prefix !== prefix) {
        services.oauth.rename(prefix, stored.prefix);
        services.emit('servers.changed', { prefix });
      }
      await services.serversChanged(stored.prefix);
      return summaryOf(services, stored);
    },

    'servers.remove': async ({ prefix }) => {
      registry.servers.get(prefix); // NOT_FOUND before anything is touched
      variables.removeServer(prefix);
      services.oauth.forget(prefix);
      await services.serversChanged(prefix);
      return { done: true as const };
    },

    'servers.setEnabled': async ({ prefix, enabled }) => {
      const stored = registry.servers.setEnabled(prefix, enabled);
      await services.serversChanged(prefix);
      return summaryOf(services, stored);
    },

    'servers.parseSnippet': ({ text }) =>
      parseSnippet(
        text,
        registry.servers.list().map((s) => s.prefix),
      ),

    'servers.logs': ({ prefix }) => {
      registry.servers.get(prefix);
      return { lines: services.pool.stderr(prefix).map((line) => line.text) };
    },
  };
}

/**
 * Reads a pasted Claude Desktop / Cursor / VS Code style snippet: `{"mcpServers": {…}}`, `{"servers": {…}}`,
 * a bare map of servers, a single `"name": {…}` property, or one server object. Secret values found in it are
 * NOT returned (the window must never hold one): their variables are declared and listed in `secretNames`.
 */
export function parseSnippet(
  text: string,
  existingPrefixes: readonly string[] = [],
): { definitions: Record<string, unknown>[]; secretNames: string[]; skipped: string[] } {
  const json = parseLenient(text);
  if (!isObject(json)) {
    throw new SwitchboardError('VALIDATION', 'text: the snippet must be a JSON object of servers', {
      details: { issues: [{ path: ['text'], message: 'must be a JSON object of servers' }] },
    });
  }
  const map = isObject(json.mcpServers)
    ? json.mcpServers
    : isObject(json.servers)
      ? json.servers
      : looksLikeServer(json)
        ? { server: json }
        : json;
  const imported = cursor.readServers(JSON.stringify({ mcpServers: map }), 'the pasted snippet');
  const plan = buildImportPlan(imported, { clientName: 'the pasted snippet', existingPrefixes });
  return {
    definitions: plan.add.map((a) => ({ ...a.definition }) as Record<string, unknown>),
    secretNames: [...new Set(plan.add.flatMap((a) => a.secretNames))],
    skipped: plan.skipped.map((s) => `${s.name}: ${s.reason}`),
  };
}

function looksLikeServer(value: Record<string, unknown>): boolean {
  return typeof value.command === 'string' || typeof value.url === 'string';
}

function parseLenient(text: string): unknown {
  const trimmed = text.trim().replace(/,\s*$/, '');
  for (const candidate of [trimmed, `{${trimmed}}`]) {
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next form
    }
  }
  throw new SwitchboardError('VALIDATION', 'text: the snippet is not valid JSON', {
    details: { issues: [{ path: ['text'], message: 'is not valid JSON' }] },
  });
}
