/**
 * A real HTTP server on a free loopback port that answers the Entra token exchange as the service
 * does (the REST specification's example shapes), with the replies a test scripts, and records
 * every exchange request it gets. It answers CORS preflights for any origin, so that browser pages
 * can reach it too; preflights are not recorded.
 */
import { json, startRecordingServer, type Received } from "./recordingServer.js";

/** One scripted answer: status, JSON body, headers; `drop` closes the connection unanswered instead. */
export interface ExchangeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  drop?: boolean;
}

/** The identity ids of the specification's examples: Entra ID user, Teams Phone extensibility user. */
export const ENTRA_USER_ID =
  "8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_wf_c70d068c-2f32-484d-9455-73070cd5aadd_b27b64b9-39d2-44a3-869d-67700b74e805";
export const TEAMS_EXTENSION_USER_ID =
  "8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_c70d068c-2f32-484d-9455-73070cd5aadd_b27b64b9-39d2-44a3-869d-67700b74e805";

/** The service's 200: `{identity:{id}, accessToken:{token, expiresOn}}`; `expiresOn` a string as sent, or a time in ms. */
export function exchanged(token: string, expiresOn: string | number, id = ENTRA_USER_ID): ExchangeReply {
  const when = typeof expiresOn === "number" ? new Date(expiresOn).toISOString() : expiresOn;
  return { status: 200, body: { identity: { id }, accessToken: { token, expiresOn: when } } };
}

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
