// The server half of the token handoff: a small node:http app with its own sign-in, and a token
// route that mints a Communication Services token for the signed-in user only. The page in main.ts
// fetches it with AutoRefreshingTokenCredential. Run directly, it starts the local emulator first:
//   npm run sample:browser && node samples/token-handoff/server.mjs
// Against a real resource, set COMMUNICATION_CONNECTION_STRING: the key stays on this server.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { CommunicationIdentityClient } from "acs-identity";
import { send, sendPageFile } from "../shared/pages.mjs";

const DIST = fileURLToPath(new URL("./dist/", import.meta.url));
const SESSION_MS = 8 * 60 * 60_000;
const MAX_BODY_BYTES = 4096;

/**
 * Serves the page, `POST /login`, `POST /logout` and the token route `POST /api/token` until `close()`.
 *
 * @param {{ connectionString: string, users: Record<string, string>, port?: number }} options -
 *   `users` maps the app's user names to their passwords (a real app checks its own user store).
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveTokenHandoff({ connectionString, users, port = 0 }) {
  const client = new CommunicationIdentityClient(connectionString);
  /** Session id -> the signed-in user and when the session ends. */
  const sessions = new Map();
  /** The app's user name -> its Communication Services user id (a real app keeps this in its database). */
  const acsUsers = new Map();

  const routes = {
    "POST /login": async (request, response) => {
      const { username, password } = await readJson(request);
      if (!checkPassword(users, username, password)) return json(response, 401, { error: "Wrong user name or password." });
      const sessionId = randomBytes(32).toString("base64url");
      sessions.set(sessionId, { username, endsAt: Date.now() + SESSION_MS });
      // HttpOnly: page scripts cannot read it; SameSite=Strict: other sites' pages cannot send it.
      // Behind https, add Secure.
      const cookie = `sid=${sessionId}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
      response.writeHead(204, { "set-cookie": cookie, "cache-control": "no-store" }).end();
    },
    "POST /logout": async (request, response) => {
      sessions.delete(sessionIdOf(request));
      response.writeHead(204, { "set-cookie": "sid=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" }).end();
    },
    "POST /api/token": async (request, response) => {
      const session = sessions.get(sessionIdOf(request));
      if (!session || session.endsAt <= Date.now()) return json(response, 401, { error: "Sign in first." });
      const known = acsUsers.get(session.username);
      const issued = known ? await client.issueToken(known, ["chat", "voip"]) : await client.createUserAndToken(["chat", "voip"]);
      acsUsers.set(session.username, issued.user.communicationUserId);
      // The whole result as JSON: { user, token, expiresOn } with expiresOn an ISO 8601 string,
      // which AutoRefreshingTokenCredential takes as it comes from response.json().
      json(response, 200, issued);
    },
  };

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const route = routes[`${request.method} ${path}`];
    try {
      if (route) return await route(request, response);
      if (request.method !== "GET" || !(await sendPageFile(response, DIST, path))) json(response, 404, { error: "Not found." });
    } catch (error) {
      // Never the token or the key: the message of a failed call names the problem only.
      console.error(`${request.method} ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) json(response, error instanceof SyntaxError ? 400 : 502, { error: "The request failed." });
    }
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Compares digests in constant time, so the answer's timing does not reveal how much of a password matched. */
function checkPassword(users, username, password) {
  if (typeof username !== "string" || typeof password !== "string" || !Object.hasOwn(users, username)) return false;
  const digest = (text) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(password), digest(users[username]));
}

function sessionIdOf(request) {
  const cookies = (request.headers.cookie ?? "").split(";").map((part) => part.trim().split("="));
  return cookies.find(([name]) => name === "sid")?.[1];
}

async function readJson(request) {
  let body = "";
  for await (const chunk of request) {
    body += chunk;
    if (body.length > MAX_BODY_BYTES) throw new SyntaxError("The body is too large.");
  }
  const value = JSON.parse(body);
  if (typeof value !== "object" || value === null) throw new SyntaxError("The body must be a JSON object.");
  return value;
}

function json(response, status, value) {
  send(response, status, "application/json; charset=utf-8", JSON.stringify(value));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let connectionString = process.env.COMMUNICATION_CONNECTION_STRING;
  let emulator;
  if (!connectionString) {
    const { startEmulator } = await import("acs-identity/emulator");
    emulator = await startEmulator();
    connectionString = emulator.connectionString;
    console.log(`Using the local emulator at ${emulator.endpoint} (COMMUNICATION_CONNECTION_STRING is not set).`);
  }
  const password = process.env.SAMPLE_PASSWORD ?? randomBytes(9).toString("base64url");
  const app = await serveTokenHandoff({ connectionString, users: { alice: password }, port: Number(process.env.PORT ?? 8080) });
  console.log(`Open ${app.url} and sign in as alice with the password ${process.env.SAMPLE_PASSWORD ? "in SAMPLE_PASSWORD" : password}.`);
  const stop = async () => {
    await app.close();
    await emulator?.close();
  };
  process.once("SIGINT", stop).once("SIGTERM", stop);
}
