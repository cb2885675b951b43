/**
 * A real HTTP server on a free loopback port that answers the Entra token exchange as the service
 * does (the REST specification's example shapes), with the replies a test scripts, and records
 * every exchange request it gets. It answers CORS preflights for any origin, so that browser pages
 * can reach it too; preflights are not recorded.
 */
import type { ExchangeReply } from "./exchangeReplies.js";
import { json, startRecordingServer, type Received } from "./recordingServer.js";

export interface ExchangeServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The exchange requests received (not the CORS preflights). */
  received: Received[];
  /** Queues replies, answered in order; with none queued the server answers 500. */
  script(...replies: ExchangeReply[]): void;
  /** Holds every answer until the returned function is called. */
  hold(): () => void;
  close(): Promise<void>;
}

const NO_REPLY: ExchangeReply = { status: 500, body: { error: { code: "NoScriptedReply", message: "The test scripted no reply." } } };

export async function startExchangeServer(): Promise<ExchangeServer> {
  const replies: ExchangeReply[] = [];
  let gate: Promise<void> = Promise.resolve();
  const server = await startRecordingServer((request, response) => {
    const origin = request.headers.origin;
    const cors: Record<string, string> = origin ? { "access-control-allow-origin": origin, vary: "Origin" } : {};
    if (request.method === "OPTIONS") {
      server.received.pop();
      response
        .writeHead(204, {
          ...cors,
          "access-control-allow-methods": "POST",
          "access-control-allow-headers": request.headers["access-control-request-headers"] ?? "",
          "access-control-max-age": "0",
        })
        .end();
      return;
    }
    const reply = replies.shift() ?? NO_REPLY;
    void gate.then(() => {
      if (reply.drop) return void response.socket?.destroy();
      json(response, reply.status, reply.body ?? "", { ...cors, ...reply.headers });
    });
  });
  return {
    origin: server.origin,
    received: server.received,
    script: (...more) => void replies.push(...more),
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => release();
    },
    close: () => server.close(),
  };
}
