import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ConfigPathContext } from './client-adapter.ts';
import { getClientAdapter } from './client-registry.ts';

/** Which file of a client a connect works on, per project: its name rules, apart from the service's behaviour. */

/** Whether a client has a per-project file at all (Cursor, VS Code, Claude Code, Codex, Gemini CLI do). */
export function hasProjectFile(id: string): boolean {
  const adapter = getClientAdapter(id);
  // Any absolute folder will do: only whether a project-scope location exists is asked.
  const ctx: ConfigPathContext = { platform: 'linux', home: '/home', env: {}, projectDir: '/project' };
  return adapter.configPaths(ctx).some((l) => l.scope === 'project');
}

/**
 * Project files get their own token, so connecting a project never breaks the user-level entry:
 * `<client>.<folder name>-<hash of the path>` (the hash keeps two `app` folders apart).
 */
export function projectTokenName(clientId: string, projectDir: string): string {
  const folder =
    path
      .basename(projectDir)
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .slice(0, 30)
      .replace(/^[-._]+|[-._]+$/g, '') || 'project';
  const hash = createHash('sha256').update(projectDir).digest('hex').slice(0, 6);
  return `${clientId}.${folder}-${hash}`;
}
