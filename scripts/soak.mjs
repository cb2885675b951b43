// `npm run soak`: the emulator under sustained mixed load. The built `acs-identity emulator`
// command runs as a child process with a data directory (so every write is journaled and fsync'ed),
// and this process drives it with our client over 16 keep-alive connections: each connection
// loops through a user's life (create, or create with a token; three token issues; a read;
// a revocation; a deletion), so the number of live identities stays bounded.
//
// Passes when no call fails and the emulator's resident memory (RSS, read from the OS for the
// child process alone, every 500 ms) grows by less than 20% from the end of the warm-up to the end
// of the run, each end measured as the lowest sample of a 10 s window (the floor the garbage
// collector returns to: what a leak raises).
// Prints one summary line; exits 1 on failure.
//
// Environment: SOAK_SECONDS (measured duration, default 60), SOAK_WARMUP_SECONDS (default 30:
// the heap and the emulator's bounded caches fill up first; the two repeatability memories hold
// 10,000 creates each, which this load reaches in about 15 s; the warm-up goes on until 12,000
// creates are done, up to 120 s, so that a loaded machine measures full caches too), SOAK_CONNECTIONS (default 16),
// SOAK_VERBOSE=1 (print every RSS sample).
import { spawn, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
const MAX_RSS_GROWTH = 0.2;
/** Creates that fill the emulator's two repeatability memories (10,000 each), with a margin. */
const WARMUP_CREATES = 12_000;
/** However slow the machine, the warm-up ends here. */
const MAX_WARMUP_SECONDS = 120;
const SAMPLE_MS = 500;
const CLI = fileURLToPath(new URL("../dist/esm/cli/main.js", import.meta.url));
const CLIENT = new URL("../dist/esm/index.js", import.meta.url);

if (!existsSync(CLI)) {
  console.error("soak: dist/ is missing: run `npm run build` first.");
  process.exit(1);
}
const { CommunicationIdentityClient } = await import(CLIENT.href);
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** Resident memory of a process in bytes, from /proc on Linux, from ps elsewhere. */
function rssOf(pid) {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(status, "utf8"))[1]) * 1024;
  return Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim()) * 1024;
}

async function startEmulator(dataDir) {
  const child = spawn(process.execPath, [CLI, "emulator", "--port", "0", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  const lines = createInterface({ input: child.stdout });
  const [connectionString] = await Promise.race([
    new Promise((resolve) => lines.once("line", (line) => resolve([line]))),
    exited.then((code) => Promise.reject(new Error(`the emulator exited (${code}): ${stderr}`))),
  ]);
  lines.close();
  return { child, connectionString, exited, stderr: () => stderr };
}

/** One connection's loop through users' lives until `stop()` says so. */
async function lifecycles(clients, stop, stats) {
  const { client, preview } = clients;
  const call = async (promise) => {
    try {
      await promise;
      stats.requests += 1;
    } catch (error) {
      stats.errors += 1;
      if (stats.firstError === undefined) stats.firstError = `${error.name}: ${error.message}`;
      throw error;
    }
  };
  while (!stop()) {
    try {
      let user;
      await call(
        (stats.requests % 2 ? client.createUser() : client.createUserAndToken(["chat", "voip"])).then((created) => {
          user = created.user ?? created;
        }),
      );
      stats.creates += 1;
      for (let index = 0; index < 3; index += 1) await call(client.issueToken(user, ["chat"], { tokenExpiresInMinutes: 60 }));
      await call(preview.getUser(user));
      await call(client.revokeTokens(user));
      await call(client.deleteUser(user));
    } catch {
      // Counted; the next life starts afresh.
    }
  }
}

const dataDir = await mkdtemp(join(tmpdir(), "acs-identity-soak-"));
const emulator = await startEmulator(dataDir);
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const options = { agent, retryOptions: { maxRetries: 0 } };
const clients = {
  client: new CommunicationIdentityClient(emulator.connectionString, options),
  preview: new CommunicationIdentityClient(emulator.connectionString, { ...options, apiVersion: "2025-03-02-preview" }),
};
const stats = { requests: 0, creates: 0, errors: 0, firstError: undefined };
const startedAt = Date.now();
let endAt = Infinity;
const loops = Promise.all(Array.from({ length: CONNECTIONS }, () => lifecycles(clients, () => Date.now() >= endAt, stats)));

// The warm-up lasts WARMUP_SECONDS and until the bounded caches are full (WARMUP_CREATES creates),
// however slow the machine: on a loaded one the caches would still be filling while RSS is measured.
await sleep(WARMUP_SECONDS * 1000);
while (stats.creates < WARMUP_CREATES && Date.now() - startedAt < MAX_WARMUP_SECONDS * 1000) await sleep(SAMPLE_MS);
const warmRequests = stats.requests;
const warmupSeconds = Math.round((Date.now() - startedAt) / 1000);
const measuredFrom = Date.now();
endAt = measuredFrom + SECONDS * 1000;
const samples = [];
while (Date.now() < endAt) {
  samples.push({ at: Date.now(), rss: rssOf(emulator.child.pid) });
  if (process.env.SOAK_VERBOSE)
    console.log(`${Math.round((Date.now() - startedAt) / 1000)} s: ${stats.requests} requests, emulator RSS ${mb(samples.at(-1).rss)}`);
  await sleep(Math.min(SAMPLE_MS, Math.max(0, endAt - Date.now())));
}
await loops;
samples.push({ at: Date.now(), rss: rssOf(emulator.child.pid) });
// RSS is a sawtooth: it climbs between garbage collections and drops after them. What a leak
// raises is the floor, so each end is the lowest sample of a window, not one sample.
const windowMs = Math.min(10, SECONDS / 3) * 1000;
const floor = (inWindow) => Math.min(...samples.filter(inWindow).map((sample) => sample.rss));
const rssAfterWarmup = floor((sample) => sample.at < measuredFrom + windowMs);
const rssAtEnd = floor((sample) => sample.at >= endAt - windowMs);
const rssPeak = Math.max(...samples.map((sample) => sample.rss));
agent.destroy();

emulator.child.kill("SIGTERM");
const exitCode = await emulator.exited;
await rm(dataDir, { recursive: true, force: true });

const measured = stats.requests - warmRequests;
const growth = rssAtEnd / rssAfterWarmup - 1;
const failures = [
  ...(stats.errors > 0 ? [`${stats.errors} failed calls (first: ${stats.firstError})`] : []),
  ...(growth >= MAX_RSS_GROWTH ? [`emulator RSS grew ${(growth * 100).toFixed(1)}% (limit ${MAX_RSS_GROWTH * 100}%)`] : []),
  ...(exitCode !== 0 ? [`the emulator did not stop cleanly on SIGTERM (${exitCode}): ${emulator.stderr()}`] : []),
];
console.log(
  `soak: ${SECONDS} s (after ${warmupSeconds} s warm-up, ${stats.creates} creates in all) at ${CONNECTIONS} connections: ${measured} requests (${Math.round(measured / SECONDS)}/s), ` +
    `${stats.errors} errors; emulator RSS floor ${mb(rssAfterWarmup)} after warm-up, ${mb(rssAtEnd)} at the end ` +
    `(${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)}%, peak ${mb(rssPeak)}) - ${failures.length ? `FAILED: ${failures.join("; ")}` : "ok"}`,
);
process.exit(failures.length ? 1 : 0);
