import { z } from 'zod';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { BRIDGE_CLIENT_NAME, type ActiveToken, type TokenSource } from '../tokens/bearer.ts';
import { generateToken, hashToken } from '../tokens/token-crypto.ts';
import type { RegistryDatabase } from './database.ts';
import { dbErrorGuard } from './database.ts';

/** A client token as people see it: never the token, never its hash. */
export interface ClientTokenInfo {
  id: number;
  name: string;
  createdAt: string;
  /** ISO time of the last call made with it (to about a minute), or null when never used. */
  lastUsedAt: string | null;
}

export interface ClientTokenRepository extends TokenSource {
  /** Creates the token of client app `name`; returns the token itself, which is never retrievable again. */
  create(name: string): { token: string; info: ClientTokenInfo };
  /** Every token, by name. */
  list(): ClientTokenInfo[];
  /** Deletes the token of `name` (calls with it fail at once); NOT_FOUND when there is none. */
  revoke(name: string): ClientTokenInfo;
}

export interface ClientTokenRepositoryDeps {
  clock: Clock;
}

/** Client app names: short, printable, usable as a CLI argument without quoting. */
export const ClientTokenNameSchema = z
  .string()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must start with a letter or digit and use only letters, digits, ".", "_" and "-"',
  )
  .refine(
    (n) => n.toLowerCase() !== BRIDGE_CLIENT_NAME,
    `"${BRIDGE_CLIENT_NAME}" is reserved for the local stdio bridge`,
  );

const TokenRowSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  token_hash: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
type TokenRow = z.output<typeof TokenRowSchema>;

/** The client tokens table (migration 005) over an open RegistryDatabase. */
export function createClientTokenRepository(
  database: RegistryDatabase,
  deps: ClientTokenRepositoryDeps,
): ClientTokenRepository {
  const db = database.connection;
  const now = () => new Date(deps.clock.now()).toISOString();
  const selectAll = db.prepare('SELECT * FROM client_tokens ORDER BY name');
  const selectByName = db.prepare('SELECT * FROM client_tokens WHERE name = ?');
  const insert = db.prepare('INSERT INTO client_tokens (name, token_hash, created_at) VALUES (?, ?, ?)');
  const deleteById = db.prepare('DELETE FROM client_tokens WHERE id = ?');
  const touch = db.prepare('UPDATE client_tokens SET last_used_at = ? WHERE id = ?');

  const guarded = dbErrorGuard(database.file);
  const rows = (): TokenRow[] => z.array(TokenRowSchema).parse(guarded(() => selectAll.all()));
  const rowByName = (name: string): TokenRow | undefined => {
    const row = guarded(() => selectByName.get(name));
    return row === undefined ? undefined : TokenRowSchema.parse(row);
  };

  return {
    create(name) {
      const parsed = ClientTokenNameSchema.safeParse(name);
      if (!parsed.success) {
        throw new SwitchboardError(
          'VALIDATION',
          `token name: ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
        );
      }
      database.assertWritable();
      if (rowByName(parsed.data) !== undefined) {
        throw new SwitchboardError(
          'CONFLICT',
          `a token named "${parsed.data}" already exists; revoke it first (switchboard token revoke ${parsed.data}) or pick another name`,
        );
      }
      const token = generateToken();
      const createdAt = now();
      const result = guarded(() => insert.run(parsed.data, hashToken(token), createdAt));
      return {
        token,
        info: { id: Number(result.lastInsertRowid), name: parsed.data, createdAt, lastUsedAt: null },
      };
    },

    list() {
      return rows().map(toInfo);
    },

    revoke(name) {
      database.assertWritable();
      const row = rowByName(name);
      if (row === undefined) {
        throw new SwitchboardError('NOT_FOUND', `no token named "${name}"; see switchboard token list`);
      }
      guarded(() => deleteById.run(row.id));
      return toInfo(row);
    },

    activeTokens(): ActiveToken[] {
      return rows().map((row) => ({ id: row.id, name: row.name, hash: row.token_hash }));
    },

    markUsed(id, at) {
      // A read-only registry (opened by a newer app) still serves calls; it just cannot remember them.
      if (database.readOnlyReason) return;
      guarded(() => touch.run(at.toISOString(), id));
    },
  };
}

function toInfo(row: TokenRow): ClientTokenInfo {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}
