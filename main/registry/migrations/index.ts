import type { Migration } from '../migration.ts';
import { migration as initial } from './001-initial.ts';
import { migration as vault } from './002-vault.ts';
import { migration as upstreamCatalog } from './003-upstream-catalog.ts';
import { migration as callLog } from './004-call-log.ts';
import { migration as clientTokens } from './005-client-tokens.ts';
import { migration as healthHistory } from './006-health-history.ts';
import { migration as toolSettings } from './007-tool-settings.ts';
import { migration as serverIdentity } from './008-server-identity.ts';
import { migration as toolPins } from './009-tool-pins.ts';
import { migration as profiles } from './010-profiles.ts';

/** Every migration this app knows, oldest first. Append only; the migrator checks the numbering. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  vault,
  upstreamCatalog,
  callLog,
  clientTokens,
  healthHistory,
  toolSettings,
  serverIdentity,
  toolPins,
  profiles,
];
