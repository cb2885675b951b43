// `npm run sample:browser`: bundles samples/browser/main.ts against the built package (its
// "browser" conditions) into samples/browser/dist, next to a copy of index.html.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { bundleForBrowser, ROOT } from "./browser-bundle.mjs";

const SAMPLE = join(ROOT, "samples", "browser");

mkdirSync(`${SAMPLE}/dist`, { recursive: true });
await bundleForBrowser({
  entryPoints: [`${SAMPLE}/main.ts`],
  outfile: `${SAMPLE}/dist/main.js`,
  sourcemap: true,
  write: true,
  logLevel: "warning",
});
copyFileSync(`${SAMPLE}/index.html`, `${SAMPLE}/dist/index.html`);
console.log(`Built ${SAMPLE}/dist. Serve it with: node samples/browser/serve.mjs`);
