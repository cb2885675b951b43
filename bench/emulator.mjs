// Load generator for the emulator's token-issue path: 16 keep-alive connections on loopback, each
// sending signed POST /identities/{id}/:issueAccessToken requests back to back for a fixed time.
// The emulator runs in its own process (the package's `acs-identity emulator` command), as a user
// runs it, so that it and the load generator each get their own thread.
// Requests are signed by the bench's minimal client (bench/baseline.mjs), so the emulator does
// exactly the work a real client causes while the generator costs as little as possible. Usage:
//   npm run build && node bench/emulator.mjs [--seconds 8] [--connections 16] [--identities 1000]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createSignedSender } from "./baseline.mjs";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    connections: { type: "string", default: "16" },
    identities: { type: "string", default: "1000" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const identityCount = Number(values.identities);

const emulatorProcess = spawn(process.execPath, ["dist/esm/cli/main.js", "emulator"], { stdio: ["ignore", "pipe", "inherit"] });
const [connectionString] = await once(createInterface({ input: emulatorProcess.stdout }), "line");
const { send, close } = createSignedSender(connectionString, connections);

// Distinct identities, so that every token has its own claims (no two requests sign the same bytes).
const ids = [];
for (let i = 0; i < identityCount; i++) {
  const response = await send("POST", "/identities?api-version=2023-10-01", "{}");
  ids.push(JSON.parse(response.body).identity.id);
}

const issueBody = JSON.stringify({ scopes: ["chat", "voip"], expiresInMinutes: 60 });
const deadline = performance.now() + seconds * 1000;
let ok = 0;
let failed = 0;
let next = 0;
async function worker() {
  while (performance.now() < deadline) {
    const id = ids[next++ % ids.length];
    const response = await send("POST", `/identities/${encodeURIComponent(id)}/:issueAccessToken?api-version=2023-10-01`, issueBody);
    if (response.status === 200) ok++;
    else failed++;
  }
}
const emulatorCpuBefore = cpuSecondsOf(emulatorProcess.pid);
const generatorCpuBefore = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: connections }, worker));
const elapsed = (performance.now() - started) / 1000;
const emulatorCpu = cpuSecondsOf(emulatorProcess.pid) - emulatorCpuBefore;
const generatorUsage = process.cpuUsage(generatorCpuBefore);
const generatorCpu = (generatorUsage.user + generatorUsage.system) / 1e6;
close();
emulatorProcess.kill("SIGTERM");
await once(emulatorProcess, "exit");

const result = {
  tokenIssuesPerSecond: Math.round(ok / elapsed),
  ok,
  failed,
  seconds: Number(elapsed.toFixed(2)),
  connections,
  identities: identityCount,
  // Cores busy on average: how close each side is to saturating its thread.
  emulatorCores: Number((emulatorCpu / elapsed).toFixed(2)),
  generatorCores: Number((generatorCpu / elapsed).toFixed(2)),
};
console.log(JSON.stringify(result));
if (failed > 0) process.exitCode = 1;

/** CPU seconds (user + system) a process has used, from /proc (Linux); NaN elsewhere. */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
