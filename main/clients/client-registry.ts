import { SwitchboardError } from '../lib/errors.ts';
import type { ClientAdapter, ClientId } from './client-adapter.ts';
import { claudeCode } from './claude-code.ts';
import { claudeDesktop } from './claude-desktop.ts';
import { codex } from './codex.ts';
import { cursor } from './cursor.ts';
import { geminiCli } from './gemini-cli.ts';
import { vscode } from './vscode.ts';
import { windsurf } from './windsurf.ts';

/** Every supported client, in the order the UI lists them. */
export const CLIENT_ADAPTERS: readonly ClientAdapter[] = [
  claudeDesktop,
  claudeCode,
  cursor,
  vscode,
  windsurf,
  codex,
  geminiCli,
];

/** The adapter for a client id; NOT_FOUND names the ids that exist. */
export function getClientAdapter(id: string): ClientAdapter {
  const adapter = CLIENT_ADAPTERS.find((a) => a.id === id);
  if (adapter === undefined) {
    throw new SwitchboardError(
      'NOT_FOUND',
      `unknown client "${id}"; known clients: ${CLIENT_ADAPTERS.map((a) => a.id).join(', ')}`,
    );
  }
  return adapter;
}

/** Whether a string is a known client id. */
export function isClientId(id: string): id is ClientId {
  return CLIENT_ADAPTERS.some((a) => a.id === id);
}
