import type { Server } from '@modelcontextprotocol/server';
import type { ScopeView } from './tool-view.ts';

/**
 * The four list methods of a connection. They answer from the scope's cached view — never starting a process,
 * never reading the registry — so a client's listing is as fast as a map lookup and always agrees with what
 * tools/call and prompts/get resolve. Only right after the hub started may they wait, bounded, for servers it
 * has never listed (first-listing.ts).
 */
export function registerListHandlers(
  server: Server,
  view: () => ScopeView,
  firstListing?: () => Promise<void> | undefined,
): void {
  const ready = async () => {
    await firstListing?.();
    return view();
  };
  server.setRequestHandler('tools/list', async () => ({ tools: (await ready()).tools }));
  server.setRequestHandler('prompts/list', async () => ({ prompts: (await ready()).prompts }));
  server.setRequestHandler('resources/list', async () => ({ resources: (await ready()).resources }));
  server.setRequestHandler('resources/templates/list', async () => ({
    resourceTemplates: (await ready()).resourceTemplates,
  }));
}
