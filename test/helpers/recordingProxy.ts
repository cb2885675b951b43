/**
 * A loopback HTTP server in front of the emulator that records every request as it arrived on the
 * wire (method, path, headers, body) and forwards it unchanged, `Host` included, so the signature
 * still verifies; or answers it itself, as a proxy or gateway would, when `answer` returns a reply.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the server received it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the proxy answers instead of forwarding. */
export interface ProxyReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  received: Received[];
  close(): Promise<void>;
}

function readBody(message: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    message.setEncoding("utf8");
    message.on("data", (chunk: string) => (body += chunk));
    message.on("end", () => resolve(body));
    message.on("error", reject);
  });
}

/**
 * Starts the proxy on a free loopback port.
 *
 * @param target - the emulator's endpoint, e.g. `http://127.0.0.1:8089`.
 * @param answer - returns a reply to send instead of forwarding, or `undefined` to forward.
 */
export async function startRecordingProxy(
  target: string,
  answer: (received: Received) => ProxyReply | undefined = () => undefined,
): Promise<RecordingProxy> {
  const received: Received[] = [];
  const server = createServer((incoming, outgoing) => {
    void readBody(incoming).then((body) => {
      const request: Received = { method: incoming.method!, path: incoming.url!, headers: incoming.headers, body };
      received.push(request);
      const reply = answer(request);
      if (reply) {
        outgoing.writeHead(reply.status, reply.headers).end(reply.body);
        return;
      }
      const forwarded = httpRequest(
        new URL(request.path, target),
        { method: request.method, headers: incoming.headers, agent: false, setHost: false },
        (response) => {
          void readBody(response).then((text) => outgoing.writeHead(response.statusCode ?? 502, response.headers).end(text));
        },
      );
      forwarded.on("error", () => outgoing.writeHead(502).end());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
