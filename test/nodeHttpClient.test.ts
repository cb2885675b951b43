import { createServer, Agent, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { createPipelineRequest, isRestError, type PipelineRequestOptions } from "@azure/core-rest-pipeline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { createNodeHttpClient } from "../src/transport/nodeHttpClient.js";
import { startIdentityServer, tlsFixture, type IdentityServer } from "./helpers/identityServer.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  rawHeaderNames: string[];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

/** Routes: /json answers a JSON body, /hang never answers, /cut stops mid-body, /gzip answers gzip-compressed text. */
function handle(request: IncomingMessage, response: ServerResponse): void {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk: string) => (body += chunk));
  request.on("end", () => {
    const rawHeaderNames = request.rawHeaders.filter((_, i) => i % 2 === 0);
    seen.push({ method: request.method!, url: request.url!, headers: request.headers, rawHeaderNames, body });
    if (request.url === "/hang") return;
    if (request.url === "/cut") {
      response.writeHead(200, { "content-length": "100" }).write("partial");
      setTimeout(() => response.destroy(), 10);
      return;
    }
    if (request.url === "/gzip") {
      response.writeHead(200, { "content-encoding": "gzip", "content-type": "text/plain" }).end(gzipSync("unzipped"));
      return;
    }
    response.setHeader("set-cookie", ["a=1", "b=2"]);
    response.writeHead(201, { "content-type": "application/json; charset=utf-8", "ms-cv": "cv.1" }).end('{"token":"é✓","n":1}');
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function request(path: string, options: Partial<PipelineRequestOptions> = {}) {
  return createPipelineRequest({ url: `${base}${path}`, method: "POST", allowInsecureConnection: true, ...options });
}

describe("createNodeHttpClient", () => {
  it("sends the method, headers as named and the exact body with its length, and reads status, headers and text", async () => {
    const req = request("/json?api-version=2023-10-01", { body: '{"scopes":["chat"],"note":"ü"}' });
    req.headers.set("X-Ms-Date", "Mon, 01 Jan 2024 00:00:00 GMT");
    const response = await createNodeHttpClient().sendRequest(req);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: "POST", url: "/json?api-version=2023-10-01", body: '{"scopes":["chat"],"note":"ü"}' });
    expect(last.headers["content-length"]).toBe("31");
    expect(last.rawHeaderNames).toContain("X-Ms-Date");
    expect(response.status).toBe(201);
    expect(response.bodyAsText).toBe('{"token":"é✓","n":1}');
    expect(response.headers.get("MS-CV")).toBe("cv.1");
    expect(response.headers.get("set-cookie")).toBe("a=1");
    expect(response.request).toBe(req);
  });

  it("sends no body and no length when there is none", async () => {
    await createNodeHttpClient().sendRequest(request("/json", { method: "DELETE" }));
    expect(seen.at(-1)).toMatchObject({ method: "DELETE", body: "" });
    expect(seen.at(-1)!.headers["content-length"]).toBeUndefined();
  });

  it("refuses plain http unless the request allows it, before connecting", async () => {
    const count = seen.length;
    await expect(createNodeHttpClient().sendRequest(request("/json", { allowInsecureConnection: false }))).rejects.toThrow(
      `Cannot connect to ${base}/json while allowInsecureConnection is false.`,
    );
    expect(seen.length).toBe(count);
  });

  it("rejects with an AbortError when the signal fired before sending, without connecting", async () => {
    const count = seen.length;
    const error = await createNodeHttpClient()
      .sendRequest(request("/json", { abortSignal: AbortSignal.abort() }))
      .catch((e: Error) => e);
    expect((error as Error).name).toBe("AbortError");
    expect(seen.length).toBe(count);
  });

  it("rejects with an AbortError when the signal fires in flight", async () => {
    const controller = new AbortController();
    const pending = createNodeHttpClient().sendRequest(request("/hang", { abortSignal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects with an AbortError after `timeout` milliseconds", async () => {
    const started = Date.now();
    await expect(createNodeHttpClient().sendRequest(request("/hang", { timeout: 50 }))).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("rejects a network failure with a RestError carrying the system code", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const req = createPipelineRequest({ url: `http://127.0.0.1:${port}/`, method: "GET", allowInsecureConnection: true });
    const error = await createNodeHttpClient()
      .sendRequest(req)
      .catch((e: unknown) => e);
    expect(isRestError(error)).toBe(true);
    expect(error).toMatchObject({ code: "ECONNREFUSED", request: req });
  });

  it("rejects a body cut short with a RestError (PARSE_ERROR), as the pipeline's client does", async () => {
    await expect(createNodeHttpClient().sendRequest(request("/cut", { method: "GET" }))).rejects.toMatchObject({
      name: "RestError",
      code: "PARSE_ERROR",
    });
  });

  it("uses the request's agent (set by the agent and proxy policies)", async () => {
    const agent = new Agent({ keepAlive: false });
    let used = 0;
    // addRequest is how node:http hands a request to its agent; Node's types leave it out.
    const internal = agent as Agent & { addRequest(...args: unknown[]): void };
    const addRequest = internal.addRequest.bind(agent);
    internal.addRequest = (...args: unknown[]) => {
      used += 1;
      addRequest(...args);
    };
    const req = request("/json");
    req.agent = agent;
    await createNodeHttpClient().sendRequest(req);
    expect(used).toBe(1);
  });

  it("leaves requests it does not specialise in (here Accept-Encoding) to the pipeline's client, which decompresses", async () => {
    const req = request("/gzip", { method: "GET" });
    req.headers.set("Accept-Encoding", "gzip");
    const response = await createNodeHttpClient().sendRequest(req);
    expect(response.bodyAsText).toBe("unzipped");
  });
});

describe("one connection pool per process", () => {
  let server: IdentityServer;
  afterEach(() => server.close());

  it("1,000 clients calling one after another share one connection", async () => {
    server = await startIdentityServer();
    for (let i = 0; i < 1000; i++) await new CommunicationIdentityClient(server.connectionString).createUser();
    expect({ created: server.created, connections: server.connections, open: server.open }).toStrictEqual({
      created: 1000,
      connections: 1,
      open: 1,
    });
  });

  it("1,000 clients, 8 calling at a time, open 8 connections", async () => {
    server = await startIdentityServer();
    for (let batch = 0; batch < 125; batch++) {
      await Promise.all(Array.from({ length: 8 }, () => new CommunicationIdentityClient(server.connectionString).createUser()));
    }
    expect({ created: server.created, connections: server.connections, open: server.open }).toStrictEqual({
      created: 1000,
      connections: 8,
      open: 8,
    });
  });

  it("shares among clients with equal TLS options, never with other TLS options or the client's own agent", async () => {
    const ca = tlsFixture("loopback");
    server = await startIdentityServer(undefined, ca);
    const clients = [
      { tlsOptions: { ca } },
      { tlsOptions: { ca: Buffer.from(ca) } }, // equal content in another object: shares with the first
      { tlsOptions: { ca, cert: ca, key: tlsFixture("key") } }, // a client certificate: a pool of its own
      { agent: new HttpsAgent({ keepAlive: true, ca }) }, // the caller's agent: used as given
    ].map((options) => new CommunicationIdentityClient(server.connectionString, options));
    for (const client of [...clients, ...clients]) await client.createUser();
    expect({ created: server.created, connections: server.connections }).toStrictEqual({ created: 8, connections: 3 });
  });
  it("shares by content only what JSON can compare: settings holding functions share only as the same object", async () => {
    const ca = tlsFixture("loopback");
    server = await startIdentityServer(undefined, ca);
    const settings = { ca, checkServerIdentity: () => undefined };
    const clients = [settings, settings, { ca, checkServerIdentity: () => undefined }].map(
      (tlsOptions) => new CommunicationIdentityClient(server.connectionString, { tlsOptions: tlsOptions as never }),
    );
    for (const client of clients) await client.createUser();
    expect({ created: server.created, connections: server.connections }).toStrictEqual({ created: 3, connections: 2 });
  });

  it("lends the pool to the requests it leaves to the pipeline's client (here with Accept-Encoding)", async () => {
    server = await startIdentityServer();
    const requestOptions = { customHeaders: { "Accept-Encoding": "identity" } };
    for (let i = 0; i < 10; i++) {
      await new CommunicationIdentityClient(server.connectionString).createUser(i % 2 ? { requestOptions } : {});
    }
    expect({ created: server.created, connections: server.connections }).toStrictEqual({ created: 10, connections: 1 });
  });
});

describe("a kept-alive connection the server has closed", () => {
  let server: IdentityServer;
  afterEach(() => server.close());

  it("is not an unknown outcome: a create reset on a reused connection before any answer is sent again, and done once", async () => {
    let dropped = 0;
    // The server closes the connection as the second request arrives on it, as one does whose idle timeout just ran out.
    server = await startIdentityServer((_request, onConnection) => (onConnection === 2 && dropped++ === 0 ? "drop" : "answer"));
    const client = new CommunicationIdentityClient(server.connectionString);
    const users = [await client.createUser(), await client.createUser()];
    expect(users).toStrictEqual([{ communicationUserId: "8:acs:test_1" }, { communicationUserId: "8:acs:test_2" }]);
    expect({ requests: server.requests, created: server.created, connections: server.connections }).toStrictEqual({
      requests: 3,
      created: 2,
      connections: 2,
    });
  });

  it("a create reset on a fresh connection still reports that its outcome is unknown", async () => {
    server = await startIdentityServer((_request, onConnection) => (onConnection === 1 ? "drop" : "answer"));
    const error = await new CommunicationIdentityClient(server.connectionString).createUser().catch((e: unknown) => e);
    expect(isRestError(error)).toBe(true);
    expect((error as Error).message).toBe(
      "The connection failed after the create request was sent (socket hang up), so the identity may or may not exist. " +
        "It was not retried, because this api-version may not honour Repeatability-Request-ID and a retry could create a second identity.",
    );
    expect({ requests: server.requests, created: server.created, connections: server.connections }).toStrictEqual({
      requests: 1,
      created: 0,
      connections: 1,
    });
  });
});
