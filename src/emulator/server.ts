/**
 * The HTTP plumbing: reading bodies with a size limit, adding the headers every response carries,
 * turning anything thrown into a safe error answer, dropping connections for faults, and closing
 * gracefully. What a request means is decided in `pipeline.ts`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { CorsHeaders } from "./auth/cors.js";
import { ServiceError, toServiceError } from "./routes/errors.js";
import type { IncomingRequest, Outcome } from "./pipeline/pipeline.js";
import { errorReply, type Reply } from "./routes/reply.js";

/** The largest request body accepted; larger ones get 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** How long `close()` waits for in-flight requests before cutting their connections. */
const CLOSE_GRACE_MS = 10_000;

/** A listening server and the way to stop it. */
export interface EmulatorServer {
  /** The port it listens on. */
  port: number;
  /** Stops accepting, lets in-flight requests finish, closes keep-alive sockets, releases the port. */
  close(): Promise<void>;
}

/**
 * Starts listening.
 *
 * @param handle - answers one request (see `pipeline.ts`).
 * @param cors - the CORS headers for a request's `Origin`.
 * @param intercept - answers the requests it takes (the dashboard's) and returns `true` for them.
 * @param tls - the PEM certificate and key to serve HTTPS with; plain HTTP without.
 * @throws Error when the address cannot be bound (e.g. the port is taken).
 */
export async function listen(
  handle: (request: IncomingRequest) => Promise<Outcome>,
  port: number,
  host: string,
  cors: CorsHeaders,
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean,
  tls?: { cert: string; key: string },
): Promise<EmulatorServer> {
  let closing = false;
  // Sockets with a request being answered: on close, every other socket is cut at once, also one
  // that connected but never sent a whole request (Node's closeIdleConnections leaves those).
  const busy = new Set<Socket>();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    busy.add(req.socket);
    res.on("close", () => busy.delete(req.socket));
    if (intercept?.(req, res)) return;
    void answer(req, res, handle, () => closing, cors);
  };
  const server = tls
    ? createHttpsServer({ requireHostHeader: false, cert: tls.cert, key: tls.key }, onRequest)
    : createServer({ requireHostHeader: false }, onRequest);
  // The sockets requests arrive on: over TLS those after their handshake, the raw ones before it in `handshaking`.
  const sockets = new Set<Socket>();
  server.on(tls ? "secureConnection" : "connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const handshaking = tls ? pendingHandshakes(server as HttpsServer) : new Map<string, Socket>();
  server.on("clientError", answerClientError);
  // Node answers an `Expect` other than 100-continue with a bare 417 of its own; give it the
  // service's error shape and headers instead.
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => {
    send(
      res,
      errorReply(new ServiceError(417, "ExpectationFailed", "Only Expect: 100-continue is supported.")),
      true,
      clientRequestIdOf(req),
      cors,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as { port: number }).port,
    close() {
      closing = true;
      closed ??= closeGracefully(server, () => {
        for (const socket of sockets) if (!busy.has(socket)) socket.destroy();
        for (const socket of handshaking.values()) socket.destroy();
      });
      return closed;
    },
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: IncomingRequest) => Promise<Outcome>,
  closing: () => boolean,
  cors: CorsHeaders,
): Promise<void> {
  res.on("error", () => undefined);
  try {
    const body = await readBody(req);
    const outcome = await handle({ method: req.method ?? "GET", target: req.url ?? "/", headers: headersOf(req), body });
    if (outcome.drop) {
      req.socket.destroy();
      return;
    }
    send(res, outcome.reply, closing(), clientRequestIdOf(req), cors);
  } catch (thrown) {
    // The client went away (an aborted upload): nobody is left to answer.
    if (req.socket.destroyed) return;
    const error = toServiceError(thrown);
    // An unread body stays on the socket; the connection cannot be reused after a 413.
    send(res, errorReply(error), closing() || error.status === 413, clientRequestIdOf(req), cors);
  }
}

/** Reads the whole body, refusing more than {@link MAX_BODY_BYTES} as soon as it is known. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function tooLarge(): ServiceError {
  return new ServiceError(413, "RequestEntityTooLarge", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}

/**
 * The headers of every response: a correlation vector and the echo of the request's
 * `x-ms-client-request-id` (the service echoes it on every answer, errors included).
 */
function commonHeaders(clientRequestId: string | undefined): Record<string, string> {
  return {
    "ms-cv": correlationVector(),
    ...(clientRequestId === undefined ? {} : { "x-ms-client-request-id": clientRequestId }),
  };
}

/** The request's `x-ms-client-request-id`, when it sent exactly one. */
function clientRequestIdOf(req: IncomingMessage): string | undefined {
  const value = req.headers["x-ms-client-request-id"];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Sends an answer, with the CORS headers for the request's `Origin`. */
function send(res: ServerResponse, reply: Reply, closeConnection: boolean, clientRequestId: string | undefined, cors: CorsHeaders): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(reply.status, { ...cors(res.req.headers.origin), ...responseHeaders(reply, closeConnection, clientRequestId) });
  res.end(reply.body);
}

/**
 * Every header of an answer: the common ones, the reply's own, and those of its JSON body. As
 * recorded, success bodies are `application/json; charset=utf-8` (200s with `Accept-Ranges:
 * bytes`) and error bodies plain `application/json`.
 */
function responseHeaders(reply: Reply, closeConnection: boolean, clientRequestId?: string): Record<string, string> {
  const headers: Record<string, string> = { ...commonHeaders(clientRequestId), ...reply.headers };
  if (reply.body !== undefined) {
    headers["content-type"] = reply.status >= 400 ? "application/json" : "application/json; charset=utf-8";
    headers["content-length"] = String(Buffer.byteLength(reply.body));
    if (reply.status === 200) headers["accept-ranges"] = "bytes";
  }
  if (closeConnection) headers.connection = "close";
  return headers;
}

/** A random correlation vector, as the service's `ms-cv`: base64 of 16 bytes, then `.0`. */
function correlationVector(): string {
  return `${randomBytes(16).toString("base64").slice(0, 22)}.0`;
}

/** Requests Node cannot parse (bad request line, headers too large) still get a JSON error. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLargeHeaders = error.code === "HPE_HEADER_OVERFLOW";
  const reply = errorReply(
    new ServiceError(
      tooLargeHeaders ? 431 : 400,
      tooLargeHeaders ? "RequestHeaderFieldsTooLarge" : "BadRequest",
      "The request is not valid HTTP/1.1.",
    ),
  );
  const head = Object.entries(responseHeaders(reply, true))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${reply.status} ${tooLargeHeaders ? "Request Header Fields Too Large" : "Bad Request"}\r\n${head}\r\n${reply.body}`);
}

/**
 * Stops accepting; sockets without a request in progress close now (`closeIdle`), busy ones after
 * their answer (`connection: close`).
 */
function closeGracefully(server: Server | HttpsServer, closeIdle: () => void): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    closeIdle();
  });
}

/**
 * The raw sockets of connections whose TLS handshake has not finished, which no request can keep
 * busy and the HTTP layer never sees. Node links a raw socket to its TLS socket only internally,
 * so they are matched by the peer's address and port, unique among a listener's live connections.
 */
function pendingHandshakes(server: HttpsServer): Map<string, Socket> {
  const pending = new Map<string, Socket>();
  const peer = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;
  server.on("connection", (raw: Socket) => {
    const key = peer(raw);
    pending.set(key, raw);
    raw.on("close", () => {
      if (pending.get(key) === raw) pending.delete(key);
    });
  });
  server.on("secureConnection", (socket: Socket) => pending.delete(peer(socket)));
  return pending;
}

/**
 * The request's headers, except that a repeated `Host` or `Authorization` is left out: Node keeps
 * only the first of each, and a request that carries two is not one a client signed.
 */
function headersOf(req: IncomingMessage): IncomingHttpHeaders {
  const headers = { ...req.headers };
  for (const name of ["host", "authorization"] as const) {
    if ((req.headersDistinct[name]?.length ?? 0) > 1) delete headers[name];
  }
  return headers;
}
