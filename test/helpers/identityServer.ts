import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";

/** The test fixtures of `test/fixtures/tls` (see make.sh there): one key, three self-signed certificates. */
export const tlsFixture = (name: "key" | "loopback" | "elsewhere" | "expired"): Buffer =>
  readFileSync(new URL(`../fixtures/tls/${name}.pem`, import.meta.url));

export const TEST_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";

/** What the handler may do with a request: answer it (the default) or drop its connection unanswered. */
export type Handling = "answer" | "drop";

export interface IdentityServer {
  /** `http://127.0.0.1:<port>` or `https://...`. */
  origin: string;
  /** `endpoint=<origin>/;accesskey=...`, for `new CommunicationIdentityClient(...)`. */
  connectionString: string;
  /** TCP connections accepted so far (for HTTPS: before the handshake, so a refused certificate counts too). */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** Requests that arrived, answered or not. */
  readonly requests: number;
  /** Creates answered 201: identities that exist. */
  readonly created: number;
  close(): Promise<void>;
}

/**
 * A minimal Identity service on a free loopback port that only counts: it does not check
 * signatures. It answers `POST /identities` with a new identity and anything else with 204.
 * `handle` sees each request with its number on its connection (1 for the first) and decides.
 *
 * @param tls - serve HTTPS with this certificate (and the fixture key).
 */
export async function startIdentityServer(
  handle: (request: IncomingMessage, onConnection: number) => Handling = () => "answer",
  tls?: Buffer,
): Promise<IdentityServer> {
  let connections = 0;
  let requests = 0;
  let created = 0;
  const sockets = new Set<Socket>();
  const perSocket = new WeakMap<Socket, number>();
  const serve = (request: IncomingMessage, response: ServerResponse): void => {
    requests++;
    const onConnection = (perSocket.get(request.socket) ?? 0) + 1;
    perSocket.set(request.socket, onConnection);
    request.resume();
    request.on("end", () => {
      if (handle(request, onConnection) === "drop") return void request.socket.destroy();
      if (request.method !== "POST" || !request.url?.startsWith("/identities?")) return void response.writeHead(204).end();
      created++;
      response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ identity: { id: `8:acs:test_${created}` } }));
    });
  };
  const server: Server = tls ? createTlsServer({ key: tlsFixture("key"), cert: tls }, serve) : createServer(serve);
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    connectionString: `endpoint=${origin}/;accesskey=${TEST_KEY}`,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    get requests() {
      return requests;
    },
    get created() {
      return created;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
