/**
 * Resource URIs in the aggregate scope. Two servers may both expose `file:///notes.md`, so every URI (and
 * URI template) is rewritten to name its server:
 *
 *     switchboard://<prefix>/<original uri, verbatim>
 *     e.g. file:///home/a/notes.md  →  switchboard://fs/file:///home/a/notes.md
 *
 * The original is appended verbatim, not percent-encoded, for one reason: templates. `mem://items/{id}` becomes
 * `switchboard://echo/mem://items/{id}`, still a valid RFC 6570 template, and whatever a client expands it to
 * unwraps to exactly what the upstream's own template would have produced. Unwrapping is a string-prefix strip,
 * so it is exact for every input (query, fragment, spaces, unicode). The result is a valid URI: the original's
 * `:` and `/` are legal path characters, and its `?`/`#` simply become ours. Prefixes are [a-z0-9_-], valid
 * in a URI authority. In a per-server scope URIs are used unchanged.
 */

export const URI_SCHEME = 'switchboard';
const WRAPPED = /^switchboard:\/\/([a-z0-9][a-z0-9_-]*)\/([\s\S]*)$/;

/** The aggregate-scope form of an upstream resource URI (or URI template). */
export function wrapUri(prefix: string, uri: string): string {
  return `${URI_SCHEME}://${prefix}/${uri}`;
}

/** The server and original URI behind a wrapped URI, or undefined when `uri` is not one of ours. */
export function unwrapUri(uri: string): { prefix: string; uri: string } | undefined {
  const match = WRAPPED.exec(uri);
  if (!match || match[2] === '') return undefined;
  return { prefix: match[1] as string, uri: match[2] as string };
}
