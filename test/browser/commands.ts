/**
 * Browser commands: code the browser tests call that runs in Node.js, next to the emulator that
 * test/browser/globalSetup.ts starts, so that a test in the page can inject faults.
 *
 * The config and the global setup are loaded by different module loaders, so the running emulator
 * (and the exchange server) are shared through registered symbols on `globalThis`, not module variables.
 */
import type { BrowserCommand, BrowserCommandContext } from "vitest/node";
import type { Emulator, FaultSpec } from "../../src/emulator/index.js";
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
const exchangeServerSlot = sharedSlot<ExchangeServer>("exchange server");
const sharedEmulator = emulatorSlot.get;
const sharedExchangeServer = exchangeServerSlot.get;

/** Makes `emulator` the one the commands act on (`undefined` once it is closed). */
export const shareEmulator = emulatorSlot.set;

/** Makes `server` the exchange server the commands act on (`undefined` once it is closed). */
export const shareExchangeServer = exchangeServerSlot.set;

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
