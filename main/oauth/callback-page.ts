/** What GET /oauth/callback answers: the HTTP front copies status, headers and body as they are. */
export interface CallbackResponse {
  status: number;
  headers: Record<string, string>;
  html: string;
}

// The callback URL carries the authorization code: no caching, no referrer, no scripts, nothing loaded.
const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page a person sees in the browser once Switchboard got (or failed to get) access. */
export function callbackPage(
  outcome: { ok: true; serverName: string } | { ok: false; message: string; status?: number },
): CallbackResponse {
  const title = outcome.ok ? 'Connected' : 'Not connected';
  const body = outcome.ok
    ? `<h1>Connected to ${escapeHtml(outcome.serverName)}</h1><p>Switchboard can now use it. You can close this tab.</p>`
    : `<h1>Could not connect</h1><p>${escapeHtml(outcome.message)}</p><p>Close this tab and try <strong>Connect</strong> again in Switchboard.</p>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard — ${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head><body>${body}</body></html>`;
  return { status: outcome.ok ? 200 : (outcome.status ?? 400), headers: { ...PAGE_HEADERS }, html };
}
