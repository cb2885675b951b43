/**
 * Cancellation against the emulator: with the emulator holding every request (its `latencyMs`
 * fault), an `abortSignal` fired mid-request or a `requestOptions.timeout` makes the call reject
 * with an `AbortError` within 50 ms, and leaves no socket or timer behind.
 *
 * The emulator runs in a worker thread, so that this thread's active handles
 * (`process.getActiveResourcesInfo()`) are the client's alone. It is the built one: `npm test`
 * builds first; alone, run `npm run build` before this file.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import type { FaultSpec } from "../../src/emulator/index.js";
import type { OperationOptions } from "../../src/client/models.js";

const EMULATOR = new URL("../../dist/esm/emulator/index.js", import.meta.url);
/** How soon after the abort (or the timeout) the call must reject. */
const PROMPT_MS = 50;
/** How long the emulator holds each request: far longer than any abort below. */
const HOLD_MS = 5_000;

/** The emulator in a worker thread, driven by messages. */
class EmulatorWorker {
  readonly #worker: Worker;
  #replies: Array<(value: unknown) => void> = [];

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on("message", (message: unknown) => this.#replies.shift()?.(message));
  }

  static async start(): Promise<{ emulator: EmulatorWorker; connectionString: string }> {
    const worker = new Worker(
      `const { parentPort } = require("node:worker_threads");
       import(${JSON.stringify(EMULATOR.href)}).then(async ({ startEmulator }) => {
         const emulator = await startEmulator();
         parentPort.on("message", (message) => {
           if (message.clear) emulator.faults.clear();
           else emulator.faults.add(message.fault);
           parentPort.postMessage("ok");
         });
         parentPort.postMessage(emulator.connectionString);
       });`,
      { eval: true },
    );
    const emulator = new EmulatorWorker(worker);
    const connectionString = (await emulator.#next()) as string;
    return { emulator, connectionString };
  }

  async addFault(fault: FaultSpec): Promise<void> {
    this.#worker.postMessage({ fault });
    await this.#next();
  }

  async clearFaults(): Promise<void> {
    this.#worker.postMessage({ clear: true });
    await this.#next();
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }

  #next(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#replies.push(resolve);
      this.#worker.once("error", reject);
    });
  }
}

let emulator: EmulatorWorker;
let client: CommunicationIdentityClient;
let previewClient: CommunicationIdentityClient;
let userId: string;

beforeAll(async () => {
  if (!existsSync(fileURLToPath(EMULATOR))) throw new Error("dist/esm/emulator/index.js is missing: run `npm run build` first.");
  const started = await EmulatorWorker.start();
  emulator = started.emulator;
  client = new CommunicationIdentityClient(started.connectionString);
  previewClient = new CommunicationIdentityClient(started.connectionString, { apiVersion: "2025-03-02-preview" });
  userId = (await client.createUser()).communicationUserId;
});
afterAll(async () => {
  await emulator.terminate();
});

/** The calls to cancel, each given the operation options to pass on. */
const CALLS: Array<[string, (options: OperationOptions) => Promise<unknown>]> = [
  ["createUser", (options) => client.createUser(options)],
  ["createUser with a customId", (options) => previewClient.createUser({ customId: `abort-${Math.random()}`, ...options })],
  ["issueToken", (options) => client.issueToken(userId, ["chat"], options)],
  ["revokeTokens", (options) => client.revokeTokens(userId, options)],
  ["getUser", (options) => previewClient.getUser(userId, options)],
];

/** The handles and requests this thread holds, as a sorted list of their kinds. */
function activeResources(): string[] {
  return process.getActiveResourcesInfo().sort();
}

/** What `after` holds beyond `baseline`, counting each kind: a socket or timer left behind. */
function leftBehind(baseline: string[], after: string[]): string[] {
  const rest = [...baseline];
  return after.filter((kind) => {
    const index = rest.indexOf(kind);
    if (index === -1) return true;
    rest.splice(index, 1);
    return false;
  });
}

/**
 * What is left behind, once the handles had a moment to settle: a destroyed socket closes on a
 * later turn of the event loop.
 */
async function leftoversAfter(baseline: string[]): Promise<string[]> {
  for (let waited = 0; waited < 200 && leftBehind(baseline, activeResources()).length > 0; waited += 10) await sleep(10);
  return leftBehind(baseline, activeResources());
}

/**
 * Runs `call`, fires `cancel` after `afterMs`, and measures how long the rejection took after
 * the moment the cancellation was due.
 */
async function cancelled(call: Promise<unknown>, dueAt: number): Promise<{ error: unknown; lateMs: number }> {
  const error = await call.then(
    () => new Error("the call succeeded"),
    (caught: unknown) => caught,
  );
  return { error, lateMs: performance.now() - dueAt };
}

describe("cancelling a request the service is still working on", () => {
  beforeAll(async () => {
    await emulator.addFault({ latencyMs: HOLD_MS, count: Infinity });
  });
  afterAll(async () => {
    await emulator.clearFaults();
  });

  // A create with a custom id is shared among callers and deliberately runs on after they give up
  // (see Coalescer): its own test below.
  const ABORTABLE = CALLS.filter(([name]) => name !== "createUser with a customId");

  it.each(ABORTABLE)("%s: abortSignal rejects with an AbortError within 50 ms and leaves nothing behind", async (_name, call) => {
    const baseline = activeResources();
    const controller = new AbortController();
    const pending = call({ abortSignal: controller.signal });
    await sleep(100);
    // The measurement sees the request's socket.
    expect(leftBehind(baseline, activeResources())).toContain("TCPSocketWrap");
    const abortedAt = performance.now();
    controller.abort();
    const { error, lateMs } = await cancelled(pending, abortedAt);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(lateMs).toBeLessThan(PROMPT_MS);
    expect(await leftoversAfter(baseline)).toEqual([]);
  });

  it.each(CALLS)(
    "%s: requestOptions.timeout rejects with an AbortError within 50 ms of it and leaves nothing behind",
    async (_name, call) => {
      const baseline = activeResources();
      const timeout = 150;
      const startedAt = performance.now();
      const { error, lateMs } = await cancelled(call({ requestOptions: { timeout } }), startedAt + timeout);
      expect(error).toMatchObject({ name: "AbortError" });
      expect(lateMs).toBeLessThan(PROMPT_MS);
      expect(await leftoversAfter(baseline)).toEqual([]);
    },
  );
});

describe("cancelling a create with a custom id", () => {
  afterAll(async () => {
    await emulator.clearFaults();
  });

  it("rejects the caller within 50 ms, lets the shared create finish, then leaves nothing behind", async () => {
    await emulator.addFault({ latencyMs: 300, count: 1, operation: "createUser" });
    const baseline = activeResources();
    const controller = new AbortController();
    const customId = `abort-${Math.random()}`;
    const pending = previewClient.createUser({ customId, abortSignal: controller.signal });
    await sleep(100);
    const abortedAt = performance.now();
    controller.abort();
    const { error, lateMs } = await cancelled(pending, abortedAt);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(lateMs).toBeLessThan(PROMPT_MS);
    // The create went on: asking again with the same custom id gets the identity it made.
    const again = await previewClient.createUser({ customId });
    expect(again.communicationUserId).toMatch(/^8:acs:/);
    expect((await leftoversAfter(baseline)).filter((kind) => kind !== "TCPSocketWrap")).toEqual([]);
  });
});

describe("cancelling while waiting to retry", () => {
  afterAll(async () => {
    await emulator.clearFaults();
  });

  it("abortSignal during a Retry-After wait rejects within 50 ms and clears the wait's timer", async () => {
    await emulator.addFault({ status: 503, retryAfterMs: HOLD_MS, count: 1, operation: "issueToken" });
    const baseline = activeResources();
    const controller = new AbortController();
    const pending = client.issueToken(userId, ["chat"], { abortSignal: controller.signal });
    await sleep(200);
    const abortedAt = performance.now();
    controller.abort();
    const { error, lateMs } = await cancelled(pending, abortedAt);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(lateMs).toBeLessThan(PROMPT_MS);
    // The keep-alive socket of the answered first attempt may stay pooled; no timer may stay.
    expect((await leftoversAfter(baseline)).filter((kind) => kind !== "TCPSocketWrap")).toEqual([]);
  });
});
