import { SwitchboardError } from '../lib/errors.ts';
import { randomKey, unwrapKeyBlob, wrapKeyBlob } from './aes-gcm.ts';
import { wrappedKeyAssociatedData } from './associated-data.ts';
import type { KeyProvider, WrapContext } from './key-provider.ts';

/** A memory provider plus switches tests use to simulate an unreachable key store. */
export interface MemoryKeyProviderForTests extends KeyProvider {
  /** While set, check/wrap/unwrap throw VAULT_UNAVAILABLE with this reason; undefined makes it reachable again. */
  setUnavailable(reason: string | undefined): void;
  /** How many times wrap and unwrap were called (to assert that the vault caches its key). */
  readonly calls: { wrap: number; unwrap: number };
}

/**
 * TESTS ONLY: keeps its key-encryption key in process memory, so everything it wrapped is lost when the
 * process exits. Nothing in the app selects it (selectKeyProviders never returns it); pass the same `kek`
 * to two instances to simulate one store seen by two processes.
 */
export function createMemoryKeyProviderForTests(options: { kek?: Buffer } = {}): MemoryKeyProviderForTests {
  const kek = options.kek ?? randomKey();
  let unavailable: string | undefined;
  const calls = { wrap: 0, unwrap: 0 };
  const assertReachable = () => {
    if (unavailable !== undefined) {
      throw new SwitchboardError(
        'VAULT_UNAVAILABLE',
        `The in-memory test key store is unavailable: ${unavailable}`,
      );
    }
  };
  return {
    kind: 'memory',
    calls,
    describe: () => 'in-memory key (tests only)',
    setUnavailable(reason) {
      unavailable = reason;
    },
    wrap(dek: Buffer, context: WrapContext): Buffer {
      assertReachable();
      calls.wrap += 1;
      return wrapKeyBlob(kek, dek, wrappedKeyAssociatedData('memory', context));
    },
    unwrap(blob: Buffer, context: WrapContext): Buffer {
      assertReachable();
      calls.unwrap += 1;
      const dek = unwrapKeyBlob(kek, blob, wrappedKeyAssociatedData('memory', context));
      if (!dek)
        throw new SwitchboardError(
          'VAULT_DECRYPT_FAILED',
          'The in-memory test key does not open this vault key',
        );
      return dek;
    },
    check: assertReachable,
  };
}
