import { SwitchboardError } from '../lib/errors.ts';

/** The fetch signature OAuth uses (global fetch by default; tests inject one that counts requests). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** RFC 6749 §5.2 / RFC 7009 error codes: the only part of an error body safe to repeat to a person. */
const REGISTERED_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'unsupported_token_type',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
]);

/** The registered OAuth `error` code of a parsed body, or undefined (anything else is never repeated). */
export function registeredErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as { error?: unknown }).error;
  return typeof code === 'string' && REGISTERED_ERRORS.has(code) ? code : undefined;
}

/**
 * POSTs a form and returns the status and the parsed JSON body (undefined when not JSON). Network failures
 * become OAUTH_ERROR naming `what` and the failure code only: no URL query, no body, no credential.
 */
export async function postForm(
  fetchFn: FetchLike,
  url: string,
  form: URLSearchParams,
  headers: Record<string, string>,
  what: string,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...headers,
      },
      body: form.toString(),
      redirect: 'error',
    });
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new SwitchboardError(
      'OAUTH_ERROR',
      `${what}: the token endpoint could not be reached${typeof code === 'string' ? ` (${code})` : ''}.`,
    );
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

/** `Authorization: Basic …` for client_secret_basic (RFC 6749 §2.3.1: each part form-encoded first). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
