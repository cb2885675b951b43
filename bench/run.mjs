// `npm run bench`: this client side by side with a minimal baseline and the official client.
//
// 1. Request path: one minimal server in a child process (bench/server.mjs); each client in its
//    own child process (bench/worker.mjs), so CPU time and peak RSS are the client's alone. Rounds
//    are interleaved (client A, B, C, then again) so that drift on a shared machine hits all
//    three alike; each figure is the median of the rounds. Optionally the same against the
//    package's emulator (its RSA token minting makes it the bottleneck, so only CPU per request
//    is comparable there).
// 2. Cold import of each package in fresh processes; 3. browser bundle gzip; 4. peak RSS.
// Prints tables with ratios and writes bench/results.json.
//
// Options: --rounds 5 --count 2000 --samples 10 --no-emulator
import { fork, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundleSource, gzipSize } from "../scripts/browser-bundle.mjs";
import { coldImportMs } from "./importTime.mjs";
import { median } from "./stats.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    count: { type: "string", default: "2000" },
    samples: { type: "string", default: "10" },
    "no-emulator": { type: "boolean", default: false },
  },
});
const ROUNDS = Number(values.rounds);
const COUNT = Number(values.count);
const SAMPLES = Number(values.samples);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BENCH = fileURLToPath(new URL(".", import.meta.url));
const CLIENTS = ["baseline", "acs-identity", "official"];
const CONCURRENCIES = [1, 16];
const KEY = Buffer.alloc(64, 7).toString("base64");
const USER_ID = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-0000000000b0";

/** Starts a child whose first stdout line tells where it listens; returns it and that line. */
async function startServer(args, stderr = "inherit") {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", stderr] });
  const [line] = await once(createInterface({ input: child.stdout }), "line");
  return { child, line };
}

async function startWorker(kind, connectionString, userId) {
  const child = fork(`${BENCH}worker.mjs`, [kind, connectionString, userId], { cwd: ROOT });
  const [message] = await once(child, "message");
  if (!message.ready) throw new Error(`${kind} worker did not start`);
  const ask = async (request) => {
    child.send(request);
    const [reply] = await once(child, "message");
    if (reply.error) throw new Error(`${kind}: ${reply.error}`);
    return reply.ok;
  };
  return { kind, child, ask };
}

/** Runs interleaved rounds on every worker; returns per client and concurrency the medians. */
async function measureRequests(connectionString, userId, rounds, count) {
  const workers = [];
  for (const kind of CLIENTS) workers.push(await startWorker(kind, connectionString, userId));
  try {
    for (const worker of workers) {
      await worker.ask({ round: { concurrency: 16, count: Math.max(1000, count / 2) } });
      await worker.ask({ round: { concurrency: 1, count: 300 } });
    }
    const samples = {};
    for (let round = 0; round < rounds; round += 1) {
      for (const concurrency of CONCURRENCIES) {
        for (const worker of workers) {
          const { elapsedMs, cpuUs, requests } = await worker.ask({ round: { concurrency, count } });
          ((samples[worker.kind] ??= {})[concurrency] ??= []).push({
            rps: (requests * 1000) / elapsedMs,
            cpuUsPerRequest: cpuUs / requests,
          });
        }
      }
    }
    const results = {};
    for (const worker of workers) {
      const entry = { maxRssMB: (await worker.ask({ stats: true })).maxRssBytes / 2 ** 20 };
      for (const concurrency of CONCURRENCIES) {
        const list = samples[worker.kind][concurrency];
        entry[`c${concurrency}`] = {
          rps: median(list.map((s) => s.rps)),
          cpuUsPerRequest: median(list.map((s) => s.cpuUsPerRequest)),
          rounds: list,
        };
      }
      results[worker.kind] = entry;
    }
    return results;
  } finally {
    for (const worker of workers) worker.child.disconnect();
  }
}

const fmt = (value, digits = 0) => value.toFixed(digits);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

function requestTable(title, results) {
  const { baseline, "acs-identity": ours, official } = results;
  const rows = [];
  for (const c of CONCURRENCIES) {
    const key = `c${c}`;
    rows.push([
      `requests/s, concurrency ${c}`,
      fmt(baseline[key].rps),
      fmt(ours[key].rps),
      fmt(official[key].rps),
      ratio(ours[key].rps, baseline[key].rps),
      ratio(ours[key].rps, official[key].rps),
    ]);
    rows.push([
      `client CPU µs/request, concurrency ${c}`,
      fmt(baseline[key].cpuUsPerRequest, 1),
      fmt(ours[key].cpuUsPerRequest, 1),
      fmt(official[key].cpuUsPerRequest, 1),
      ratio(ours[key].cpuUsPerRequest, baseline[key].cpuUsPerRequest),
      ratio(ours[key].cpuUsPerRequest, official[key].cpuUsPerRequest),
    ]);
  }
  rows.push([
    "peak RSS of the client process, MB",
    fmt(baseline.maxRssMB, 1),
    fmt(ours.maxRssMB, 1),
    fmt(official.maxRssMB, 1),
    ratio(ours.maxRssMB, baseline.maxRssMB),
    ratio(ours.maxRssMB, official.maxRssMB),
  ]);
  return markdownTable(title, ["", "baseline", "acs-identity", "official", "ours/baseline", "ours/official"], rows);
}

function markdownTable(title, header, rows) {
  const lines = [`### ${title}`, "", `| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

const started = performance.now();
const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version };
console.log(
  `Machine: ${machine.nproc} CPUs, ${machine.cpu}, Node.js ${machine.node}. ${ROUNDS} rounds of ${COUNT} requests per client and concurrency.\n`,
);

const server = await startServer([`${BENCH}server.mjs`]);
let minimal;
try {
  minimal = await measureRequests(`endpoint=http://127.0.0.1:${server.line};accesskey=${KEY}`, USER_ID, ROUNDS, COUNT);
} finally {
  server.child.kill();
}
console.log(requestTable("Issue token against the minimal loopback server (median of rounds)", minimal));

let emulated;
if (!values["no-emulator"] && existsSync(`${ROOT}dist/esm/cli/main.js`) && existsSync(`${ROOT}dist/esm/emulator/index.js`)) {
  const emulator = await startServer(["dist/esm/cli/main.js", "emulator"], "ignore"); // its banner goes to stderr
  try {
    const { CommunicationIdentityClient } = await import("acs-identity");
    const { communicationUserId } = await new CommunicationIdentityClient(emulator.line).createUser();
    const rounds = Math.max(3, Math.ceil(ROUNDS / 2));
    emulated = await measureRequests(emulator.line, communicationUserId, rounds, Math.ceil(COUNT / 2));
    console.log(
      requestTable(
        `Issue token against the emulator (${rounds} rounds of ${Math.ceil(COUNT / 2)}; the emulator mints RSA tokens, so it bounds requests/s)`,
        emulated,
      ),
    );
  } finally {
    emulator.child.kill();
  }
}

const imports = coldImportMs(
  { "acs-identity": "acs-identity", official: "@azure/communication-identity", coreRestPipeline: "@azure/core-rest-pipeline" },
  SAMPLES,
  ROOT,
);
/** The bundle `npm run size` measures (scripts/browser-bundle.mjs): minified, then gzip level 9. */
async function browserBundle(specifier) {
  const { bytes } = await bundleSource(`export { CommunicationIdentityClient } from ${JSON.stringify(specifier)};`);
  return { minBytes: bytes.length, gzipBytes: gzipSize(bytes) };
}
const bundles = { "acs-identity": await browserBundle("acs-identity"), official: await browserBundle("@azure/communication-identity") };
/** A table row comparing one bundle size (`gzipBytes` or `minBytes`) of ours and the official client's. */
const bundleRow = (label, size) => [
  label,
  "",
  fmt(bundles["acs-identity"][size] / 1024, 1),
  fmt(bundles.official[size] / 1024, 1),
  "",
  ratio(bundles["acs-identity"][size], bundles.official[size]),
];
const ours = imports["acs-identity"].medianMs;
const core = imports.coreRestPipeline.medianMs;
console.log(
  markdownTable(
    `Cold import (median of ${SAMPLES} fresh processes) and browser bundle (esbuild, minified, gzip)`,
    ["", "@azure/core-rest-pipeline alone", "acs-identity", "official", "ours - core-rest-pipeline", "ours/official"],
    [
      [
        "cold import, ms",
        fmt(core, 1),
        fmt(ours, 1),
        fmt(imports.official.medianMs, 1),
        `${fmt(ours - core, 1)} ms`,
        ratio(ours, imports.official.medianMs),
      ],
      bundleRow("browser bundle, KiB gzip (level 9)", "gzipBytes"),
      bundleRow("browser bundle, KiB minified", "minBytes"),
    ],
  ),
);

const c16 = (client) => minimal[client].c16.cpuUsPerRequest;
const targets = {
  cpuVsBaseline: { value: c16("acs-identity") / c16("baseline"), target: 1.25 },
  cpuVsOfficial: { value: c16("acs-identity") / c16("official"), target: 0.5 },
  importAboveCoreMs: { value: ours - core, target: 10 },
  bundleGzipKiB: { value: bundles["acs-identity"].gzipBytes / 1024, target: 13 },
};
console.log("Targets (CPU at concurrency 16, minimal server):");
for (const [name, { value, target }] of Object.entries(targets))
  console.log(`  ${name}: ${fmt(value, 2)} (target <= ${target}) ${value <= target ? "met" : "NOT met"}`);
const totalSeconds = (performance.now() - started) / 1000;
console.log(`\nBench took ${fmt(totalSeconds, 0)} s.`);

writeFileSync(
  `${BENCH}results.json`,
  `${JSON.stringify({ date: new Date().toISOString(), machine, rounds: ROUNDS, count: COUNT, minimal, emulated, imports, bundles, targets, totalSeconds }, null, 2)}\n`,
);
