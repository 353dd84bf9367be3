import {
  AuthorizationServerMismatchError,
  InsecureTokenEndpointError,
  IssuerMismatchError,
  OAuthError,
  RegistrationRejectedError,
} from '@modelcontextprotocol/client';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';

/**
 * Turns whatever a sign-in step threw into a SwitchboardError a person can act on. SDK errors are mapped
 * by type because some of their messages quote response bodies ("Raw body: …"), which may echo secrets.
 */
export function toFlowError(prefix: string, error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  if (error instanceof IssuerMismatchError || error instanceof AuthorizationServerMismatchError) {
    return new SwitchboardError(
      'OAUTH_ERROR',
      `Sign-in to "${prefix}" stopped: the authorization server's issuer does not match the one discovered (a possible mix-up attack, or a misconfigured server).`,
    );
  }
  if (error instanceof RegistrationRejectedError) {
    return new SwitchboardError(
      'OAUTH_ERROR',
      `The authorization server of "${prefix}" refused dynamic client registration (HTTP ${error.status}). Register a client there yourself and give its client id to Switchboard.`,
    );
  }
  if (error instanceof InsecureTokenEndpointError) {
    return new SwitchboardError(
      'OAUTH_ERROR',
      `The token endpoint of "${prefix}" is not https://; Switchboard will not send credentials to it.`,
    );
  }
  if (error instanceof OAuthError) {
    const code = /^[a-z_]{1,64}$/.test(error.code) ? error.code : 'server_error';
    return new SwitchboardError(
      code === 'access_denied' ? 'NEEDS_AUTH' : 'OAUTH_ERROR',
      `The authorization server of "${prefix}" answered ${code}.`,
    );
  }
  // Discovery errors (no protected-resource metadata, HTTP status of a metadata URL, …) carry no secrets;
  // they are still cut short, since some quote a URL given by the server.
  const message = errorMessage(error);
  return new SwitchboardError('OAUTH_ERROR', `Sign-in to "${prefix}" failed: ${message.slice(0, 300)}`);
}
