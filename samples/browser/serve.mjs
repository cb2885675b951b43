// Serves the built browser sample (samples/browser/dist) on 127.0.0.1, with a generated config.js
// that hands the page a connection string. Run directly, it starts the local emulator first:
//   npm run sample:browser && node samples/browser/serve.mjs
// The emulator's key is a throwaway for this machine; a real access key must never reach a page.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { send, sendPageFile } from "../shared/pages.mjs";

const DIST = fileURLToPath(new URL("./dist/", import.meta.url));

/**
 * Serves the sample until `close()`; `port` 0 (the default) picks a free one.
 *
 * @param {{ connectionString: string, port?: number }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveSample({ connectionString, port = 0 }) {
  const config = `window.ACS_SAMPLE_CONFIG = ${JSON.stringify({ connectionString })};\n`;
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (path === "/config.js") return send(response, 200, "text/javascript; charset=utf-8", config);
    if (!(await sendPageFile(response, DIST, path))) send(response, 404, "text/plain; charset=utf-8", "Not found\n");
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { startEmulator } = await import("acs-identity/emulator");
  const emulator = await startEmulator();
  const sample = await serveSample({ connectionString: emulator.connectionString, port: Number(process.env.PORT ?? 8080) });
  console.log(`Emulator at ${emulator.endpoint}; open ${sample.url} (Ctrl+C stops both).`);
  const stop = async () => {
    await sample.close();
    await emulator.close();
  };
  process.once("SIGINT", stop).once("SIGTERM", stop);
}
