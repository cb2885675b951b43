import { IdentityStore } from "../../src/emulator/store/store.js";

/**
 * Opens the store of a data directory, runs `use` with it and closes it, also when `use` throws.
 *
 * @param dataDir - the store's data directory (its journal is there).
 * @param resourceId - the emulated resource's id.
 * @returns what `use` returns.
 */
export async function withStoreIn<T>(dataDir: string, resourceId: string, use: (store: IdentityStore) => Promise<T>): Promise<T> {
  const store = await IdentityStore.open({ dataDir, resourceId });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
