// Serving a built browser sample's files (index.html, main.js and its map from the sample's
// dist/), shared by samples/browser/serve.mjs and samples/token-handoff/server.mjs.
import { readFile } from "node:fs/promises";

const FILES = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/index.html": ["index.html", "text/html; charset=utf-8"],
  "/main.js": ["main.js", "text/javascript; charset=utf-8"],
  "/main.js.map": ["main.js.map", "application/json"],
};

/**
 * Answers a request for one of the page's files from `dist` (a directory path ending in `/`).
 *
 * @returns {Promise<boolean>} false when `path` names none of them (nothing was sent).
 */
export async function sendPageFile(response, dist, path) {
  const file = FILES[path];
  if (!file) return false;
  try {
    send(response, 200, file[1], await readFile(dist + file[0]));
  } catch {
    send(response, 500, "text/plain; charset=utf-8", "The sample is not built: run `npm run sample:browser`.\n");
  }
  return true;
}

/** Sends a whole answer that no cache keeps. */
export function send(response, status, type, body) {
  response.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(body);
}
