import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { API, send, signedSend } from "./helpers.js";

/** The recorded service's `api-supported-versions` on `/identities` answers. */
const VERSIONS = "2020-07-20-preview2, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview";

/** Sends raw bytes and returns everything the server answers until it closes the connection. */
function raw(endpoint: string, bytes: string): Promise<string> {
  const { port, hostname } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
  });
}

describe("the HTTP server", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it("sends ms-cv and api-supported-versions on every response", async () => {
    const ok = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} });
    const missing = await send(emulator.endpoint, { method: "GET", path: "/missing" });
    for (const response of [ok, missing]) {
      expect(response.headers["api-supported-versions"]).toBe(VERSIONS);
      expect(response.headers["ms-cv"]).toMatch(/^[A-Za-z0-9+/]{22}\.0$/);
    }
    expect(ok.headers["ms-cv"]).not.toBe(missing.headers["ms-cv"]);
  });

  it("sends the api-supported-versions of the path family: :issueAccessToken lists one more preview", async () => {
    const created = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} });
    const path = `/identities/${encodeURIComponent(created.json.identity.id)}/:issueAccessToken?api-version=${API}`;
    const issued = await signedSend(emulator, { method: "POST", path, body: { scopes: ["chat"] } });
    const refused = await signedSend(emulator, { method: "POST", path, body: { scopes: [] } });
    for (const response of [issued, refused]) expect(response.headers["api-supported-versions"]).toBe(`${VERSIONS}, 2025-03-31-preview`);
  });

  it("echoes x-ms-client-request-id on successes and errors alike, and sends none when none came", async () => {
    const headers = { "x-ms-client-request-id": "4f0c7a7e-0000-4000-8000-000000000001" };
    const answers = [
      await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {}, headers }),
      await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: "{not json", headers }),
      await send(emulator.endpoint, { method: "GET", path: "/missing", headers }),
      await send(emulator.endpoint, { method: "POST", path: `/identities?api-version=${API}`, headers }),
    ];
    expect(answers.map((answer) => [answer.status, answer.headers["x-ms-client-request-id"]])).toStrictEqual([
      [201, headers["x-ms-client-request-id"]],
      [400, headers["x-ms-client-request-id"]],
      [404, headers["x-ms-client-request-id"]],
      [401, headers["x-ms-client-request-id"]],
    ]);
    const without = await send(emulator.endpoint, { method: "GET", path: "/missing" });
    expect(without.headers["x-ms-client-request-id"]).toBeUndefined();
  });

  it("types error bodies application/json and success bodies application/json; charset=utf-8, 200s with Accept-Ranges", async () => {
    const created = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} });
    const id = encodeURIComponent(created.json.identity.id);
    const issued = await signedSend(emulator, {
      method: "POST",
      path: `/identities/${id}/:issueAccessToken?api-version=${API}`,
      body: { scopes: ["chat"] },
    });
    const refused = await send(emulator.endpoint, { method: "GET", path: "/missing" });
    const revoked = await signedSend(emulator, { method: "POST", path: `/identities/${id}/:revokeAccessTokens?api-version=${API}` });
    const seen = [created, issued, refused, revoked].map((response) => [
      response.status,
      response.headers["content-type"] ?? null,
      response.headers["accept-ranges"] ?? null,
    ]);
    expect(seen).toStrictEqual([
      [201, "application/json; charset=utf-8", null],
      [200, "application/json; charset=utf-8", "bytes"],
      [404, "application/json", null],
      [204, null, null],
    ]);
  });

  it("answers an unknown route with 404 and a wrong method with 405", async () => {
    expect((await send(emulator.endpoint, { method: "GET", path: "/missing" })).json).toEqual({
      error: { code: "NotFound", message: "The requested resource does not exist." },
    });
    const wrong = await send(emulator.endpoint, { method: "PUT", path: `/identities?api-version=${API}` });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
    expect(wrong.json).toEqual({ error: { code: "MethodNotAllowed", message: "The method PUT is not allowed here." } });
  });

  it.each([
    [`/identities`, "MissingApiVersionParameter"],
    [`/identities?api-version=2020-01-01`, "UnsupportedApiVersion"],
  ])("answers 400 for %s", async (path, code) => {
    const response = await signedSend(emulator, { method: "POST", path, body: {} });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe(code);
  });

  it("answers malformed JSON and non-object JSON with 400", async () => {
    for (const body of ["{not json", "[1,2]", "null", '"text"']) {
      const response = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body });
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe("InvalidRequestBody");
    }
  });

  it("answers a body over 64 KiB with 413, declared or streamed", async () => {
    const big = JSON.stringify({ customId: "x".repeat(70_000) });
    const declared = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: big });
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual({ error: { code: "RequestEntityTooLarge", message: "The request body is larger than 65536 bytes." } });
    const streamed = await raw(
      emulator.endpoint,
      `POST /identities?api-version=${API} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(70_000).toString(16)}\r\n${"x".repeat(70_000)}\r\n0\r\n\r\n`,
    );
    expect(streamed).toMatch(/^HTTP\/1\.1 413 /);
  });

  it("answers unparseable HTTP with a JSON 400 and keeps serving", async () => {
    const answer = await raw(emulator.endpoint, "NOT HTTP AT ALL\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('{"error":{"code":"BadRequest","message":"The request is not valid HTTP/1.1."}}');
    expect((await send(emulator.endpoint, { method: "GET", path: "/missing" })).status).toBe(404);
  });

  it("never answers with a stack trace, whatever the input", async () => {
    const inputs = [
      "GET /identities/%ZZ HTTP/1.1\r\nHost: a\r\n\r\n",
      "POST //evil.example/identities HTTP/1.1\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
      "DELETE /identities/\u00ff HTTP/1.1\r\nHost: a\r\n\r\n",
    ];
    for (const input of inputs) {
      const answer = await raw(emulator.endpoint, input);
      expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
      expect(answer).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });
});

describe("close()", () => {
  it("lets an in-flight request finish, then releases the port", async () => {
    const emulator = await startEmulator();
    emulator.faults.add({ latencyMs: 200 });
    const inFlight = signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = emulator.close();
    expect((await inFlight).status).toBe(201);
    await closed;
    await expect(send(emulator.endpoint, { method: "GET", path: "/" })).rejects.toThrow(/ECONNREFUSED/);
    const port = Number(new URL(emulator.endpoint).port);
    const again = await startEmulator({ port });
    expect(again.endpoint).toBe(emulator.endpoint);
    await again.close();
    await emulator.close();
  });

  it("refuses options that are not loopback or not base64", async () => {
    await expect(startEmulator({ host: "0.0.0.0" })).rejects.toThrow(TypeError);
    await expect(startEmulator({ accessKey: "not base64!" })).rejects.toThrow(TypeError);
    await expect(startEmulator({ resourceId: "nope" })).rejects.toThrow(TypeError);
  });
});
