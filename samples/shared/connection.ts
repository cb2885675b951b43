// Where the samples send their requests: the resource in COMMUNICATION_CONNECTION_STRING, or, when
// that is unset, an emulator started in this process so that every sample runs with no account.
import { parseConnectionString } from "acs-identity";
import type { Emulator } from "acs-identity/emulator";

/** A connection string to use, and what to call when done. */
export interface Connection {
  connectionString: string;
  /** The resource's origin, e.g. `https://contoso.communication.azure.com`. */
  endpoint: string;
  /** The in-process emulator, or `undefined` against a real resource. */
  emulator: Emulator | undefined;
  /** Stops the emulator, if one was started. */
  close(): Promise<void>;
}

/**
 * Connects to the resource in COMMUNICATION_CONNECTION_STRING, or starts the local emulator when
 * it is unset. Prints one line saying which; never the key.
 *
 * @param options - `allowBearer` lets the emulator accept any Microsoft Entra ID token.
 */
export async function connect(options: { allowBearer?: boolean } = {}): Promise<Connection> {
  const connectionString = process.env["COMMUNICATION_CONNECTION_STRING"];
  if (connectionString) {
    const { endpoint } = parseConnectionString(connectionString);
    console.log(`Using ${endpoint} (from COMMUNICATION_CONNECTION_STRING).`);
    return { connectionString, endpoint, emulator: undefined, close: async () => {} };
  }
  // Loaded only here: against a real resource the emulator's code is never imported.
  const { startEmulator } = await import("acs-identity/emulator");
  const emulator = await startEmulator(options);
  console.log(`Using the local emulator at ${emulator.endpoint} (COMMUNICATION_CONNECTION_STRING is not set).`);
  return { connectionString: emulator.connectionString, endpoint: emulator.endpoint, emulator, close: () => emulator.close() };
}
