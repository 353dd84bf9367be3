import type { KeyringEntry, KeyringEntryFactory } from '../../../main/vault/keyring-key-provider.ts';

/** Errors exactly as @napi-rs/keyring 2.x reports them on Linux. */
export const KEYRING_ERRORS = {
  locked: "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
  accessDenied: "Couldn't access platform storage: AccessDenied",
  noBus: 'Platform failure: DBus error: Failed to connect to socket /nonexistent: No such file or directory',
} as const;

/** An in-memory OS keyring whose reachability tests switch; records every call. */
export interface FakeKeyring {
  factory: KeyringEntryFactory;
  items: Map<string, string>;
  /** When set, opening an entry (like the binding with no bus) or using it throws this message. */
  failWith: { open?: string; get?: string; set?: string };
  log: string[];
}

/** A fake keyring keyed by "service/account". */
export function createFakeKeyring(): FakeKeyring {
  const fake: FakeKeyring = {
    items: new Map(),
    failWith: {},
    log: [],
    factory: (service, account): KeyringEntry => {
      const id = `${service}/${account}`;
      if (fake.failWith.open) throw new Error(fake.failWith.open);
      return {
        getPassword() {
          fake.log.push(`get ${id}`);
          if (fake.failWith.get) throw new Error(fake.failWith.get);
          return fake.items.get(id) ?? null;
        },
        setPassword(password) {
          fake.log.push(`set ${id}`);
          if (fake.failWith.set) throw new Error(fake.failWith.set);
          fake.items.set(id, password);
        },
      };
    },
  };
  return fake;
}
