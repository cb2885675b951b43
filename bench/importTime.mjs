// Cold import time: a fresh Node.js process per sample imports one package and reports how long
// the `import()` took (process start-up excluded, so only the package's own loading counts).
import { execFileSync } from "node:child_process";
import { median } from "./stats.mjs";

const PROBE = "const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));";

/**
 * Samples each specifier in turn (A, B, C, A, B, C, ...) so that load on a shared machine falls on
 * all of them alike.
 *
 * @param {Record<string, string>} specifiers - name -> what to import, resolved from `cwd`
 * @param {number} samples - fresh processes per specifier
 * @returns {Record<string, { medianMs: number, samplesMs: number[] }>}
 */
export function coldImportMs(specifiers, samples, cwd) {
  const samplesMs = Object.fromEntries(Object.keys(specifiers).map((name) => [name, []]));
  for (let i = 0; i < samples; i += 1) {
    for (const [name, specifier] of Object.entries(specifiers)) {
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", PROBE, specifier], { cwd, encoding: "utf8" });
      samplesMs[name].push(Number(out));
    }
  }
  return Object.fromEntries(Object.entries(samplesMs).map(([name, list]) => [name, { medianMs: median(list), samplesMs: list }]));
}
