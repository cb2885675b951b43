/**
 * Browser commands: code the browser tests call that runs in Node.js, next to the emulator that
 * test/browser/globalSetup.ts starts, so that a test in the page can inject faults.
 *
 * The config and the global setup are loaded by different module loaders, so the running emulator
 * (and the exchange server) are shared through registered symbols on `globalThis`, not module variables.
 */
import type { BrowserCommand, BrowserCommandContext } from "vitest/node";
import type { CommunicationIdentityClient, EntraAssignmentInput, TeamsExtensionAssignmentInput } from "../../src/index.js";
import type { Emulator, EntraTestTokenOptions, FaultSpec } from "../../src/emulator/index.js";
import type { ExchangeReply } from "../helpers/exchangeReplies.js";
import type { ExchangeServer } from "../helpers/exchangeServer.js";
import type { Received } from "../helpers/recordingServer.js";

/** A value the global setup shares with the commands under a registered symbol, `undefined` once closed. */
function sharedSlot<T>(name: string): { set: (value: T | undefined) => void; get: () => T } {
  const key = Symbol.for(`acs-identity/browser-tests/${name}`);
  const slots = globalThis as Record<symbol, T | undefined>;
  return {
    set: (value) => void (slots[key] = value),
    get() {
      const value = slots[key];
      if (value === undefined) throw new Error(`No ${name} is running: test/browser/globalSetup.ts starts it for the browser project.`);
      return value;
    },
  };
}

const emulatorSlot = sharedSlot<Emulator>("emulator");
const adminSlot = sharedSlot<CommunicationIdentityClient>("assignments client");
const exchangeServerSlot = sharedSlot<ExchangeServer>("exchange server");
const sharedEmulator = emulatorSlot.get;
const sharedExchangeServer = exchangeServerSlot.get;

/** Makes `emulator` the one the commands act on (`undefined` once it is closed). */
export const shareEmulator = emulatorSlot.set;

/** Makes `client` (key-signed, on the emulator, api-version 2025-03-02-preview) the one the assignment commands use. */
export const shareAssignmentsClient = adminSlot.set;

/** An Entra test token minted by the emulator's admin API (`POST /_emulator/api/entra/tokens`), in Node.js. */
async function mintEntraToken(options: Omit<EntraTestTokenOptions, "now">): Promise<{ token: string; expiresOn: string }> {
  const response = await fetch(`${sharedEmulator().endpoint}/_emulator/api/entra/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(options),
  });
  const body = (await response.json()) as { token: string; expiresOn: string };
  if (response.status !== 200) throw new Error(`POST /_emulator/api/entra/tokens answered ${response.status}: ${JSON.stringify(body)}`);
  return { token: body.token, expiresOn: body.expiresOn };
}

type AssignmentCommands = {
  setEntraAssignment: BrowserCommand<[string, EntraAssignmentInput]>;
  deleteEntraAssignment: BrowserCommand<[string]>;
  setTeamsExtensionAssignment: BrowserCommand<[string, string, TeamsExtensionAssignmentInput]>;
  deleteTeamsExtensionAssignment: BrowserCommand<[string, string]>;
  mintEntraToken: BrowserCommand<[Omit<EntraTestTokenOptions, "now">]>;
};

/** The commands that set assignments through the client and mint Entra test tokens, in Node.js. */
const assignmentCommands: AssignmentCommands = {
  setEntraAssignment: (_context, objectId, input) => adminSlot.get().setEntraAssignment(objectId, input),
  deleteEntraAssignment: (_context, objectId) => adminSlot.get().deleteEntraAssignment(objectId),
  setTeamsExtensionAssignment: (_context, tenantId, objectId, input) =>
    adminSlot.get().setTeamsExtensionAssignment(tenantId, objectId, input),
  deleteTeamsExtensionAssignment: (_context, tenantId, objectId) => adminSlot.get().deleteTeamsExtensionAssignment(tenantId, objectId),
  mintEntraToken: (_context, options) => mintEntraToken(options),
};

/** Makes `server` the exchange server the commands act on (`undefined` once it is closed). */
export const shareExchangeServer = exchangeServerSlot.set;

/** The commands of the browser project: see the `BrowserCommands` declarations below. */
export const emulatorCommands: Record<
  string,
  BrowserCommand<[FaultSpec]> | BrowserCommand<[ExchangeReply[]]> | BrowserCommand | AssignmentCommands[keyof AssignmentCommands]
> = {
  addFault: (_context: BrowserCommandContext, fault: FaultSpec) => sharedEmulator().faults.add(fault),
  clearFaults: () => sharedEmulator().faults.clear(),
  scriptExchange: (_context: BrowserCommandContext, replies: ExchangeReply[]) => sharedExchangeServer().script(...replies),
  takeExchangeRequests: () => sharedExchangeServer().received.splice(0),
  ...assignmentCommands,
};

declare module "vitest/browser" {
  interface BrowserCommands {
    /** Adds a fault to the emulator (see `Faults.add`). */
    addFault: (fault: FaultSpec) => Promise<void>;
    /** Removes every fault from the emulator. */
    clearFaults: () => Promise<void>;
    /** Queues replies of the exchange server (see `ExchangeServer.script`). */
    scriptExchange: (replies: ExchangeReply[]) => Promise<void>;
    /** The exchange requests the exchange server received since the last call. */
    takeExchangeRequests: () => Promise<Received[]>;
    /** `setEntraAssignment` of the client, in Node.js, on the shared emulator. */
    setEntraAssignment: (objectId: string, input: EntraAssignmentInput) => Promise<unknown>;
    /** `deleteEntraAssignment` of the client, in Node.js, on the shared emulator. */
    deleteEntraAssignment: (objectId: string) => Promise<void>;
    /** `setTeamsExtensionAssignment` of the client, in Node.js, on the shared emulator. */
    setTeamsExtensionAssignment: (tenantId: string, objectId: string, input: TeamsExtensionAssignmentInput) => Promise<unknown>;
    /** `deleteTeamsExtensionAssignment` of the client, in Node.js, on the shared emulator. */
    deleteTeamsExtensionAssignment: (tenantId: string, objectId: string) => Promise<void>;
    /** An Entra test token from the shared emulator's admin API: the JWT and its expiry (ISO 8601). */
    mintEntraToken: (options: Omit<EntraTestTokenOptions, "now">) => Promise<{ token: string; expiresOn: string }>;
  }
}
