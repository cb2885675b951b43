/**
 * Starts one emulator, in Node.js, for the browser project: the tests in the page get its
 * connection string through `inject("connectionString")` and reach its faults through the browser
 * commands in ./commands.ts. It is closed when the run ends.
 */
import type { TestProject } from "vitest/node";
import { startEmulator } from "../../src/emulator/index.js";
import { CommunicationIdentityClient } from "../../src/index.js";
import { startExchangeServer } from "../helpers/exchangeServer.js";
import { shareAssignmentsClient, shareEmulator, shareExchangeServer } from "./commands.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = await startEmulator();
  shareEmulator(emulator);
  shareAssignmentsClient(new CommunicationIdentityClient(emulator.connectionString, { apiVersion: "2025-03-02-preview" }));
  project.provide("connectionString", emulator.connectionString);
  project.provide("resourceId", emulator.resourceId);
  const exchangeServer = await startExchangeServer();
  shareExchangeServer(exchangeServer);
  project.provide("exchangeOrigin", exchangeServer.origin);
  return async () => {
    shareEmulator(undefined);
    shareAssignmentsClient(undefined);
    shareExchangeServer(undefined);
    await Promise.all([emulator.close(), exchangeServer.close()]);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** `endpoint=http://127.0.0.1:<port>/;accesskey=<key>` of the emulator the browser tests use. */
    connectionString: string;
    /** The emulator's resource GUID, the middle of every identity id it mints. */
    resourceId: string;
    /** `http://127.0.0.1:<port>` of the server answering the Entra token exchange as the service does (test/helpers/exchangeServer.ts). */
    exchangeOrigin: string;
  }
}
