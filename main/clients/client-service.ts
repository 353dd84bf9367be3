import { createClientConnect } from './client-connect.ts';
import { createClientEntryCheck } from './client-entry-check.ts';
import { createClientEntries } from './client-entries.ts';
import { createClientImport } from './client-import.ts';
import { createClientListing } from './client-listing.ts';
import { createClientPreview } from './client-preview.ts';
import type { ClientService, ClientServiceDeps } from './client-service-model.ts';
import { createClientTargets } from './client-targets.ts';
import type { ConfigFileOptions } from './config-file.ts';

/**
 * Connecting AI clients to the hub and importing their servers: the one implementation behind the CLI
 * (`clients`, `connect`, `disconnect`, `import`) and the window's `clients.*` commands, which only format.
 *
 * - HTTP clients get the gateway URL (the configured port) and a bearer token of their own, named after the
 *   client; a project file gets a token of its own (`<client>.<folder>-<hash>`), so it never breaks the user
 *   entry. A token still live in the file is kept, so connecting twice changes nothing.
 * - Claude Desktop gets the stdio bridge by absolute path (docs/decisions/claude-desktop-bridge-runtime.md).
 * - A client file that does not parse fails before any token is made or revoked; a token made for a write
 *   that then fails is revoked again. An entry named `switchboard` that is not ours (a person's own, or
 *   several copies) is reported as a conflict and never changed (entry-ownership.ts).
 * - Importing unlocks the vault first (when there are secrets), then stores every definition and secret in
 *   one transaction; `replace` then swaps the imported entries in the client's file for ours (backup kept).
 * - Client files are looked up under $SWITCHBOARD_CLIENT_HOME instead of the home folder when it is set.
 *
 * The parts, one concern each: client-targets.ts (which file, reading it), client-entries.ts (what our entry
 * says, its token), client-listing.ts, client-connect.ts (connect, disconnect, install link), client-preview.ts
 * (what connecting would write, and the entry for setting up by hand), client-entry-check.ts (Test), client-import.ts;
 * the types are in client-service-model.ts and the per-project name rules in client-scope.ts.
 */

export { nodeClientFs } from './client-service-model.ts';
export { hasProjectFile, projectTokenName } from './client-scope.ts';
export type {
  ClientFs,
  ClientServiceDeps,
  ClientScopeOptions,
  ClientRow,
  ClientFileChange,
  ConnectResult,
  DisconnectResult,
  ImportPreviewPlan,
  ImportSource,
  ImportPreview,
  ImportResult,
  InstallLinkResult,
  ClientService,
  ConnectPreview,
  EntryCheck,
  ManualEntry,
  PreviewHunk,
} from './client-service-model.ts';

/** The client service over its dependencies; see the module comment. */
export function createClientService(deps: ClientServiceDeps): ClientService {
  const redact = deps.redact ?? ((text: string) => text);
  const fileOptions: ConfigFileOptions = { now: () => new Date(deps.clock.now()) };
  const targets = createClientTargets(deps);
  const entries = createClientEntries(deps, targets);
  return {
    ...createClientListing(targets, entries, redact),
    ...createClientConnect(targets, entries, fileOptions),
    ...createClientPreview(targets, entries, deps.redactKnown ?? redact),
    ...createClientEntryCheck(deps, targets, redact),
    ...createClientImport(deps, targets, entries, fileOptions),
  };
}
