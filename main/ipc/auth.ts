import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';
import { authStatusOf } from './server-views.ts';

/** auth.*: OAuth Connect / Disconnect of a remote server. Tokens never leave main. */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  return {
    // The OAuth manager emits auth.changed, restarts the upstream and re-checks health itself.
    'auth.connect': async ({ prefix, scopes }) =>
      authStatusOf(await services.oauth.connect(prefix, scopes === undefined ? {} : { scopes })),

    'auth.disconnect': async ({ prefix }) => {
      const result = await services.oauth.disconnect(prefix);
      return { revoked: result.revoked.length > 0 };
    },
  };
}
