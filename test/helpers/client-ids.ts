/**
 * The AI clients Switchboard knows, in the order it lists them: written out by hand, not taken from the code
 * under test, so the tests pin both the set and the order down.
 */
export const CLIENT_IDS = [
  'claude-desktop',
  'claude-code',
  'cursor',
  'vscode',
  'windsurf',
  'codex',
  'gemini-cli',
] as const;
export type TestClientId = (typeof CLIENT_IDS)[number];
