// How this repository bundles for browsers, in one place: the size report, the browser-bundle test
// and the browser sample all bundle the way an app's esbuild build would (minified ESM for the
// browser, tree-shaken), from the BUILT package, so run `npm run build` first.
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The repository root: bare imports like "acs-identity" resolve from here (a self-reference). */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Bundles for browsers with esbuild and returns its result, metafile included. `options` are
 * esbuild's, merged over the defaults (e.g. `entryPoints` and `outfile`, or `stdin`).
 */
export function bundleForBrowser(options) {
  return build({
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    treeShaking: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    metafile: true,
    write: false,
    logLevel: "silent",
    // The bundle is built from dist/ inside this repository; an app's bundler never sees the
    // repository's tsconfig.json (it is not published), so this one must not read it either.
    tsconfigRaw: "{}",
    ...options,
  });
}

/** Bundles the module source `code` (resolved from the repository root) and returns the bytes. */
export async function bundleSource(code) {
  const result = await bundleForBrowser({ stdin: { contents: code, resolveDir: ROOT, sourcefile: "entry.js", loader: "js" } });
  const [output] = result.outputFiles;
  return { bytes: output.contents, text: output.text, metafile: result.metafile };
}

/** Size in bytes after gzip at level 9, as the size budget counts it. */
export function gzipSize(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}
