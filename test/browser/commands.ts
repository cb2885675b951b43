/**
 * Browser commands: code the browser tests call that runs in Node.js, next to the emulator that
 * test/browser/globalSetup.ts starts, so that a test in the page can inject faults.
 *
 * The config and the global setup are loaded by different module loaders, so the running emulator
 * is shared through a registered symbol on `globalThis`, not a module variable.
 */
import type { BrowserCommand, BrowserCommandContext } from "vitest/node";
import type { Emulator, FaultSpec } from "../../src/emulator/index.js";
import type { ExchangeReply } from "../helpers/exchangeReplies.js";
import type { ExchangeServer } from "../helpers/exchangeServer.js";
import type { Received } from "../helpers/recordingServer.js";

const EMULATOR = Symbol.for("acs-identity/browser-tests/emulator");
type Holder = { [EMULATOR]?: Emulator | undefined };

/** Makes `emulator` the one the commands act on (`undefined` once it is closed). */
export function shareEmulator(emulator: Emulator | undefined): void {
  (globalThis as Holder)[EMULATOR] = emulator;
}

function sharedEmulator(): Emulator {
  const emulator = (globalThis as Holder)[EMULATOR];
  if (!emulator) throw new Error("No emulator is running: test/browser/globalSetup.ts starts it for the browser project.");
  return emulator;
}

const EXCHANGE_SERVER = Symbol.for("acs-identity/browser-tests/exchange-server");
type ExchangeHolder = { [EXCHANGE_SERVER]?: ExchangeServer | undefined };

/** Makes `server` the exchange server the commands act on (`undefined` once it is closed). */
export function shareExchangeServer(server: ExchangeServer | undefined): void {
  (globalThis as ExchangeHolder)[EXCHANGE_SERVER] = server;
}

function sharedExchangeServer(): ExchangeServer {
  const server = (globalThis as ExchangeHolder)[EXCHANGE_SERVER];
  if (!server) throw new Error("No exchange server is running: test/browser/globalSetup.ts starts it for the browser project.");
  return server;
}

/** The commands of the browser project: see the `BrowserCommands` declarations below. */
export const emulatorCommands: Record<string, BrowserCommand<[FaultSpec]> | BrowserCommand<[ExchangeReply[]]> | BrowserCommand> = {
  addFault: (_context: BrowserCommandContext, fault: FaultSpec) => sharedEmulator().faults.add(fault),
  clearFaults: () => sharedEmulator().faults.clear(),
  scriptExchange: (_context: BrowserCommandContext, replies: ExchangeReply[]) => sharedExchangeServer().script(...replies),
  takeExchangeRequests: () => sharedExchangeServer().received.splice(0),
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
  }
}
