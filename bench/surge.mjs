// `npm run bench:surge`: a login surge against the emulator with the service's rate limits
// (`--limits service`), four ways side by side (issue 15). Not part of `npm test`.
//
// - Setup: 1,500 users created in an emulator without limits that keeps its data in a temporary
//   directory; every variant then gets a fresh emulator process on that directory with
//   `--limits service` (so each starts with an empty rate window and the same known users).
// - Per variant, 4 app processes (bench/surgeApp.mjs), each a minimal login handler that returns a
//   chat token for a known user, and a load generator here that sends 3,000 logins from the
//   1,500 users (each logs in twice, at random times; seeded) over 20 s, each to a random app (a
//   load balancer), and waits for every answer (up to 120 s).
// - Variants: the official client (`getToken` per login, its default retries); acs-identity plain
//   (`getToken` per login); acs-identity with pacing and reuse in memory (SurgeGuard "service" and
//   a token cache per app); acs-identity with the Redis store (one budget and cache for the 4 apps,
//   a redis-server of its own on a free loopback port).
//
// Options: --users 1500 --seconds 20 --apps 4 --variants official,plain,memory,redis --seed 15
import { fork, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CommunicationIdentityClient } from "acs-identity";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1500" },
    seconds: { type: "string", default: "20" },
    apps: { type: "string", default: "4" },
    variants: { type: "string", default: "official,plain,memory,redis" },
    seed: { type: "string", default: "15" },
  },
});
const USERS = Number(values.users);
const SECONDS = Number(values.seconds);
const APPS = Number(values.apps);
const VARIANTS = values.variants.split(",");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/esm/cli/main.js");
const LOGIN_TIMEOUT_MS = 120_000;
const LIMIT = { requests: 1000, windowMs: 30_000 };
const LABELS = {
  official: "official client",
  plain: "acs-identity plain",
  memory: "acs-identity, pacing + reuse in memory",
  redis: "acs-identity, Redis store",
};

/** A small seeded generator (mulberry32), so every run sends the same schedule. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every child started and not yet exited: the run's `finally` stops them all, also after a failure. */
const children = new Set();
function started(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function startEmulator(dataDir, limits) {
  const args = [CLI, "emulator", "--data-dir", dataDir, ...(limits ? ["--limits", limits] : [])];
  const child = started(spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] }));
  const [connectionString] = await once(createInterface({ input: child.stdout }), "line");
  return { child, connectionString };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

async function startRedis() {
  const port = await freePort();
  const child = started(
    spawn(
      process.env.REDIS_SERVER_PATH ?? "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    ),
  );
  for await (const line of createInterface({ input: child.stdout })) if (line.includes("Ready to accept connections")) break;
  child.stdout.resume();
  return { child, port };
}

async function createUsers(connectionString) {
  const client = new CommunicationIdentityClient(connectionString);
  const ids = [];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (ids.length < USERS) {
        ids.push(null);
        const slot = ids.length - 1;
        ids[slot] = (await client.createUser()).communicationUserId;
      }
    }),
  );
  return ids;
}

/** Each user logs in twice, at uniformly random times in the run; each login goes to a random app. */
function schedule(ids, seed) {
  const next = random(seed);
  const logins = ids.flatMap((id) => [0, 1].map(() => ({ id, at: next() * SECONDS * 1000, app: Math.floor(next() * APPS) })));
  return logins.sort((a, b) => a.at - b.at);
}

function get(agent, port, path) {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent, timeout: LOGIN_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end();
  });
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The most admitted issues in any window of the limit's length. */
function peakInWindow(times) {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= LIMIT.windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

async function runVariant(variant, dataDir, ids, redis) {
  const emulator = await startEmulator(dataDir, "service");
  const prefix = `surge-${variant}-${Date.now()}:`; // one per variant, shared by its apps
  const apps = await Promise.all(
    Array.from({ length: APPS }, async () => {
      const child = started(
        fork(join(ROOT, "bench/surgeApp.mjs"), [variant, emulator.connectionString, String(redis?.port ?? ""), prefix], { cwd: ROOT }),
      );
      const [{ port }] = await once(child, "message");
      return { child, port };
    }),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const logins = schedule(ids, Number(values.seed));
  const latencies = [];
  let served = 0;
  const startedAt = performance.now();
  await Promise.all(
    logins.map(async ({ id, at, app }) => {
      const wait = at - (performance.now() - startedAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = performance.now();
      const status = await get(agent, apps[app].port, `/login?user=${encodeURIComponent(id)}`);
      latencies.push(performance.now() - sent);
      if (status === 200) served += 1;
    }),
  );
  const stats = await Promise.all(
    apps.map(async ({ child }) => {
      child.send({ stats: true });
      const [{ stats }] = await once(child, "message");
      return stats;
    }),
  );
  agent.destroy();
  await Promise.all(apps.map(({ child }) => stop(child)));
  await stop(emulator.child);
  const sorted = latencies.sort((a, b) => a - b);
  const sent = stats.reduce((sum, s) => sum + s.sent, 0);
  const throttled = stats.reduce((sum, s) => sum + s.throttled, 0);
  return {
    variant,
    logins: logins.length,
    served,
    failed: logins.length - served,
    sent,
    throttled,
    peak: peakInWindow(stats.flatMap((s) => s.admittedIssueTimes)),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

const dataDir = mkdtempSync(join(tmpdir(), "acs-surge-"));
let redis;
try {
  const setup = await startEmulator(dataDir);
  const ids = await createUsers(setup.connectionString);
  await stop(setup.child);
  if (VARIANTS.includes("redis")) redis = await startRedis();
  console.log(`${ids.length} users; ${ids.length * 2} logins over ${SECONDS} s to ${APPS} app processes; emulator --limits service`);
  const results = [];
  for (const variant of VARIANTS) {
    const result = await runVariant(variant, dataDir, ids, redis);
    console.log(JSON.stringify(result));
    results.push(result);
  }
  const ms = (value) => `${Math.round(value).toLocaleString("en-US")} ms`;
  const columns = results.map((r) => LABELS[r.variant] ?? r.variant);
  const rows = [
    ["logins served", (r) => r.served.toLocaleString("en-US")],
    ["logins failed", (r) => r.failed.toLocaleString("en-US")],
    ["requests sent to the service", (r) => r.sent.toLocaleString("en-US")],
    ["429s received", (r) => `${r.throttled.toLocaleString("en-US")} (${((100 * r.throttled) / Math.max(1, r.sent)).toFixed(1)}%)`],
    ["requests over distinct users", (r) => `${(((r.sent - USERS) / USERS) * 100).toFixed(1)}%`],
    [
      "peak issues admitted in 30 s (limit 1,000)",
      (r) => `${r.peak.toLocaleString("en-US")} (${((100 * r.peak) / LIMIT.requests).toFixed(1)}%)`,
    ],
    ["login latency p50", (r) => ms(r.p50)],
    ["login latency p95", (r) => ms(r.p95)],
    ["login latency p99", (r) => ms(r.p99)],
  ];
  console.log(`\n| | ${columns.join(" | ")} |\n| --- | ${columns.map(() => "---:").join(" | ")} |`);
  for (const [label, cell] of rows) console.log(`| ${label} | ${results.map(cell).join(" | ")} |`);
} finally {
  // The apps and emulators of a run that failed, and Redis.
  await Promise.all([...children].map((child) => stop(child)));
  rmSync(dataDir, { recursive: true, force: true });
}
