import { structuredPatch } from 'diff';
import type { ClientEntries } from './client-entries.ts';
import type { ClientService, PreviewHunk } from './client-service-model.ts';
import type { ClientTargets } from './client-targets.ts';
import { maskFileLine } from './mask-file-line.ts';
import { bridgeEntry, httpEntry, type SwitchboardEntry } from './switchboard-entry.ts';

/**
 * What connecting would write, shown before it is written: the changed lines of the client's file and our
 * entry as a file of its own (for setting a client up by hand). Nothing is made or changed: where connecting
 * would mint a token, the preview names a placeholder instead.
 *
 * Only changed lines are shown, never context: the rest of a person's file is theirs and may hold their own
 * keys, which never cross to the window. Changed lines are masked too (mask-file-line.ts) — in a compact file
 * one line may hold a whole server of the person's.
 */

/** Stands in for a token that connecting would make; printable ASCII, as a header value must be. */
const NEW_TOKEN = '<new-token-made-when-you-connect>';
const KEPT_TOKEN = '<the-token-already-in-this-file>';
const PLACEHOLDERS = [NEW_TOKEN, KEPT_TOKEN];

export function createClientPreview(
  targets: ClientTargets,
  entries: ClientEntries,
  redact: (text: string) => string,
): Pick<ClientService, 'previewConnect' | 'manualEntry'> {
  return {
    async previewConnect(id, options = {}) {
      const target = await targets.targetFor(id, options.projectDir);
      const { adapter } = target;
      const { text, exists, servers } = await targets.readOwnedTarget(target, 'connect');
      const kept = entries.liveTokenInFile(target, servers);
      // The file's own token keeps its line unchanged; only what is shown names a placeholder instead.
      const entryWith = (token: string): SwitchboardEntry =>
        adapter.supportsHttp ? httpEntry(targets.gatewayUrl(), token) : bridgeEntry(targets.bridge());
      const entry = entryWith(kept ?? NEW_TOKEN);
      const show = (line: string) =>
        maskFileLine(kept === undefined ? line : line.replaceAll(kept, KEPT_TOKEN), PLACEHOLDERS, redact);
      const after = adapter.writeEntry(text, entry, target.path);
      return {
        client: adapter.id,
        displayName: adapter.displayName,
        path: target.path,
        scope: target.scope,
        exists,
        detected: target.detected,
        kind: entry.kind,
        ...(entry.kind === 'http' ? { url: entry.url } : {}),
        changed: after !== text,
        newToken: adapter.supportsHttp && kept === undefined,
        hunks: changedLines(text, after, show),
        snippet: adapter.writeEntry('', entryWith(kept === undefined ? NEW_TOKEN : KEPT_TOKEN), target.path),
      };
    },

    async manualEntry(id, options = {}) {
      const target = await targets.targetFor(id, options.projectDir);
      const { adapter } = target;
      if (!adapter.supportsHttp) {
        const entry = bridgeEntry(targets.bridge());
        return {
          client: adapter.id,
          path: target.path,
          snippet: adapter.writeEntry('', entry, target.path),
          restartHint: adapter.restartHint,
        };
      }
      // A fresh token of the file's name: the one pasted by hand is then the file's live token, as Connect's is.
      const entry = httpEntry(targets.gatewayUrl(), entries.mintToken(target));
      return {
        client: adapter.id,
        path: target.path,
        snippet: adapter.writeEntry('', entry, target.path),
        tokenName: target.tokenName,
        restartHint: adapter.restartHint,
      };
    },
  };
}

/** The changed lines between two texts, every line passed through `show`. */
function changedLines(before: string, after: string, show: (line: string) => string): PreviewHunk[] {
  const patch = structuredPatch('before', 'after', before, after, '', '', { context: 0 });
  return patch.hunks.map((hunk) => ({
    oldStart: hunk.oldStart,
    newStart: hunk.newStart,
    lines: hunk.lines
      .filter((line) => line.startsWith('+') || line.startsWith('-'))
      .map((line) => ({ op: line[0] as '+' | '-', text: show(line.slice(1)) })),
  }));
}
