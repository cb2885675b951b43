// `npm run sample:browser`: bundles each browser sample's main.ts (samples/browser and
// samples/token-handoff) against the built package (its "browser" conditions) into the sample's
// dist/, next to a copy of its index.html.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { bundleForBrowser, ROOT } from "./browser-bundle.mjs";

for (const name of ["browser", "token-handoff"]) {
  const sample = join(ROOT, "samples", name);
  mkdirSync(`${sample}/dist`, { recursive: true });
  await bundleForBrowser({
    entryPoints: [`${sample}/main.ts`],
    outfile: `${sample}/dist/main.js`,
    sourcemap: true,
    write: true,
    logLevel: "warning",
  });
  copyFileSync(`${sample}/index.html`, `${sample}/dist/index.html`);
}
console.log("Built samples/browser/dist and samples/token-handoff/dist.");
console.log("Serve them with: node samples/browser/serve.mjs, or node samples/token-handoff/server.mjs");
