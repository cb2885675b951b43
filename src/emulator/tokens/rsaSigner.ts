/**
 * RS256 signatures on worker threads. An RSA-2048 signature costs about 0.2 ms of CPU, more than
 * the rest of a token request; signing on other threads lets the emulator use every core while
 * the main thread keeps answering HTTP. Requests are batched: the signatures asked for in one
 * event-loop turn are shared among the workers, one message each.
 */
import { sign, type KeyObject } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** Signs strings with one private key, RS256 (RSASSA-PKCS1-v1_5, SHA-256), base64url. */
export interface RsaSigner {
  /** The base64url signature of the UTF-8 bytes of `input`. */
  sign(input: string): Promise<string>;
  /** Stops the worker thread; signatures still pending are made on the calling thread. */
  close(): Promise<void>;
}

/**
 * The worker's code, evaluated as a CommonJS script, so that it needs no file on disk and runs the
 * same from the TypeScript sources (tests) and from dist.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { sign } = require("node:crypto");
parentPort.on("message", (batch) => {
  const signatures = batch.inputs.map((input) => sign("sha256", Buffer.from(input), workerData.key).toString("base64url"));
  parentPort.postMessage({ first: batch.first, signatures });
});
`;

interface Pending {
  input: string;
  resolve(signature: string): void;
}

interface SigningThread {
  worker: Worker;
  /** Signatures asked of it and not yet received. */
  busy: number;
}

/**
 * Starts the signer. When a worker fails, signing falls back to the main thread: slower, but the
 * emulator keeps answering.
 *
 * @param threads - how many worker threads sign. @default 2, or 1 on a single-core machine
 */
export function createRsaSigner(privateKey: KeyObject, threads = Math.min(2, availableParallelism())): RsaSigner {
  const pending = new Map<number, Pending>();
  let unsent: string[] = [];
  let nextId = 0;
  let pool: SigningThread[] | undefined = Array.from({ length: threads }, () => startThread());

  const signHere = (input: string) => sign("sha256", Buffer.from(input), privateKey).toString("base64url");

  function settle(id: number, signature: string): void {
    pending.get(id)?.resolve(signature);
    pending.delete(id);
  }

  function startThread(): SigningThread {
    const thread: SigningThread = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { key: privateKey } }), busy: 0 };
    // A worker must not keep alive a process that forgot to close the emulator.
    thread.worker.unref();
    thread.worker.on("message", (batch: { first: number; signatures: string[] }) => {
      thread.busy -= batch.signatures.length;
      batch.signatures.forEach((signature, index) => settle(batch.first + index, signature));
    });
    thread.worker.on("error", () => void fallBack());
    thread.worker.on("exit", () => void fallBack());
    return thread;
  }

  /** Stops every worker and signs whatever is pending here; later requests are signed here too. */
  function fallBack(): Promise<unknown> {
    const stopping = pool ?? [];
    pool = undefined;
    unsent = [];
    for (const [id, entry] of pending) settle(id, signHere(entry.input));
    return Promise.all(stopping.map((thread) => thread.worker.terminate()));
  }

  /** Shares the turn's signatures among the workers, the idlest first, so no core waits idle. */
  function flush(): void {
    if (!pool || unsent.length === 0) return;
    const share = Math.ceil(unsent.length / pool.length);
    let first = nextId - unsent.length;
    for (const thread of [...pool].sort((a, b) => a.busy - b.busy)) {
      const inputs = unsent.splice(0, share);
      if (inputs.length === 0) break;
      thread.busy += inputs.length;
      thread.worker.postMessage({ first, inputs });
      first += inputs.length;
    }
  }

  return {
    sign(input) {
      if (!pool) return Promise.resolve(signHere(input));
      const id = nextId++;
      if (unsent.push(input) === 1) setImmediate(flush);
      return new Promise<string>((resolve) => pending.set(id, { input, resolve }));
    },
    async close() {
      await fallBack();
    },
  };
}
