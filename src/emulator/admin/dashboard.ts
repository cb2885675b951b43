/**
 * The dashboard's HTTP front, under `/_emulator/`: the page, the JSON admin API and its live
 * event stream. It answers only requests addressed to the emulator's own loopback address (a
 * `Host` of `127.0.0.1`, `localhost` or `[::1]` with its port, so that a DNS-rebinding page
 * cannot reach it), and the API only its own pages or non-browser clients: an `Origin` other
 * than its own or a `Sec-Fetch-Site` other than `same-origin`/`none` is refused, and no CORS
 * header is ever sent. The page itself is in `dashboardPage.ts`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { adminErrorReply, adminReply, type AdminParts } from "./adminApi.js";
import { ServiceError, toServiceError } from "../routes/errors.js";
import type { Reply } from "../routes/reply.js";
import type { RequestLogEntry } from "../pipeline/requestLog.js";
import { readBody } from "../server.js";
import { isMisreadPath, requestUrl } from "../pipeline/requestTarget.js";

/** Where the page is served. */
export const DASHBOARD_PATH = "/_emulator/";
const ROOT = "/_emulator";
const API = "/_emulator/api";
const EVENTS = "/_emulator/api/events";
/** How much of the event stream may wait unread by a page before its stream is cut. */
const MAX_UNREAD_EVENT_BYTES = 1024 * 1024;

/** A file the dashboard serves: its content type and content. */
export interface DashboardAsset {
  type: string;
  body: string;
}

/** The dashboard of one emulator. */
export interface Dashboard {
  /** Answers a request under `/_emulator` and returns `true`; `false` for any other request. */
  readonly intercept: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Ends the live event streams, so that the server can close. */
  close(): void;
}

/** Headers of every dashboard answer: never cached, never sniffed, never framed. */
const SAFE_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

/**
 * Creates the dashboard.
 *
 * @param parts - the state the admin API reads and changes.
 * @param assets - the page's files by path under `/_emulator/` (`""` is the page).
 */
export function createDashboard(parts: AdminParts, assets: Readonly<Record<string, DashboardAsset>>): Dashboard {
  const streams = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) {
      // A page that stopped reading is cut off rather than buffered for: on reconnecting it reloads the log.
      if (stream.writableLength > MAX_UNREAD_EVENT_BYTES) stream.destroy();
      else stream.write(text);
    }
  };
  parts.log.subscribe((entry: RequestLogEntry) => {
    if (streams.size > 0) broadcast("request", entry);
  });
  return {
    intercept: (req, res) => {
      const target = req.url ?? "";
      if (target !== ROOT && !target.startsWith(`${ROOT}/`) && !target.startsWith(`${ROOT}?`)) return false;
      res.on("error", () => undefined);
      serve(req, res, { parts, assets, streams, broadcast }).catch((thrown: unknown) => {
        if (res.headersSent) res.destroy();
        else send(res, adminErrorReply(toServiceError(thrown)));
      });
      return true;
    },
    close: () => {
      for (const stream of streams) stream.end();
      streams.clear();
    },
  };
}

interface Served {
  parts: AdminParts;
  assets: Readonly<Record<string, DashboardAsset>>;
  streams: Set<ServerResponse>;
  broadcast: (event: string, data: unknown) => void;
}

async function serve(req: IncomingMessage, res: ServerResponse, served: Served): Promise<void> {
  const target = req.url ?? "/";
  const url = requestUrl(target, "http://emulator.invalid");
  const method = req.method ?? "GET";
  const refusal = refusalOf(req, url.pathname);
  if (refusal !== undefined) return send(res, adminErrorReply(refusal));
  // A URL parser reads `/_emulator/api\reset` and `/_emulator/x/../api/reset` as the reset.
  if (isMisreadPath(target)) return send(res, adminErrorReply(new ServiceError(404, "NotFound", "No such admin API endpoint.")));
  if (url.pathname === API || url.pathname.startsWith(`${API}/`)) {
    if (method === "GET" && url.pathname === EVENTS) return stream(res, served.streams);
    const body = await readBody(req);
    const reply = await adminReply(served.parts, { method, path: url.pathname.slice(API.length), query: url.searchParams, body });
    if (reply.status === 204 && url.pathname === `${API}/reset`) served.broadcast("reset", {});
    return send(res, reply);
  }
  if (url.pathname === ROOT) return send(res, { status: 308, headers: { location: DASHBOARD_PATH } });
  const asset = Object.hasOwn(served.assets, url.pathname.slice(DASHBOARD_PATH.length))
    ? served.assets[url.pathname.slice(DASHBOARD_PATH.length)]
    : undefined;
  if (asset === undefined) return send(res, adminErrorReply(new ServiceError(404, "NotFound", "No such dashboard page.")));
  if (method !== "GET" && method !== "HEAD") {
    return send(
      res,
      adminErrorReply(new ServiceError(405, "MethodNotAllowed", `The method ${method} is not allowed here.`, { allow: "GET, HEAD" })),
    );
  }
  send(res, { status: 200, body: asset.body, headers: { "content-type": asset.type, ...PAGE_POLICY } }, method === "HEAD");
}

/** The page runs only its own script and style, talks only to its own origin, and is never framed. */
const PAGE_POLICY = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * Why a request may not reach the dashboard, or `undefined` when it may: a `Host` that is not the
 * emulator's own loopback address, and for the API, another origin, or a body that is not JSON
 * (which a cross-origin form could send without a preflight).
 */
function refusalOf(req: IncomingMessage, pathname: string): ServiceError | undefined {
  const host = req.headers.host;
  const port = req.socket.localPort;
  const own = ["127.0.0.1", "localhost", "[::1]"].map((name) => `${name}:${port}`);
  if (host === undefined || !own.includes(host.toLowerCase())) {
    return forbidden(`The dashboard answers only on the emulator's loopback address (Host ${own.join(", ")}).`);
  }
  if (pathname !== API && !pathname.startsWith(`${API}/`)) return undefined;
  const site = req.headers["sec-fetch-site"];
  const origin = req.headers.origin;
  if (
    (site !== undefined && site !== "same-origin" && site !== "none") ||
    (origin !== undefined && origin !== `${schemeOf(req)}://${host}`)
  ) {
    return forbidden("The admin API answers only the dashboard's own page and clients that are not browsers.");
  }
  // No body without a type either, as a fetch of a Blob in no-cors mode would send.
  const type = req.headers["content-type"];
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (type === undefined ? hasBody : !/^application\/json\s*(;|$)/i.test(type)) {
    return new ServiceError(415, "UnsupportedMediaType", "The admin API takes Content-Type: application/json.");
  }
  return undefined;
}

/** The scheme the request came in on: the dashboard's own page has this origin. */
function schemeOf(req: IncomingMessage): "http" | "https" {
  return (req.socket as TLSSocket).encrypted === true ? "https" : "http";
}

/** Starts a live stream of the request log (server-sent events), ended by {@link Dashboard.close}. */
function stream(res: ServerResponse, streams: Set<ServerResponse>): void {
  // connection: close, so that ending the stream frees the socket and the server can close.
  res.writeHead(200, { ...SAFE_HEADERS, "content-type": "text/event-stream; charset=utf-8", connection: "close" });
  res.write("retry: 1000\n\n");
  streams.add(res);
  res.on("close", () => streams.delete(res));
}

function send(res: ServerResponse, reply: Reply, headOnly = false): void {
  const headers: Record<string, string> = { ...SAFE_HEADERS, ...reply.headers };
  if (reply.body !== undefined) {
    headers["content-type"] ??= "application/json; charset=utf-8";
    headers["content-length"] = String(Buffer.byteLength(reply.body));
  }
  res.writeHead(reply.status, headers);
  res.end(headOnly ? undefined : reply.body);
}

function forbidden(message: string): ServiceError {
  return new ServiceError(403, "Forbidden", message);
}
