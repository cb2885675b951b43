import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { API, createIdentity, send, signedHeaders, signedSend } from "./helpers.js";

const DENIED = { error: { code: "Denied", message: "Denied by the resource provider." } };
const WRONG_KEY = Buffer.alloc(64, 7).toString("base64");

describe("HMAC authentication", () => {
  let emulator: Emulator;
  let path: string;
  let url: string;
  const body = JSON.stringify({ scopes: ["chat"] });

  beforeAll(async () => {
    emulator = await startEmulator();
    const id = await createIdentity(emulator);
    path = `/identities/${encodeURIComponent(id)}/:issueAccessToken?api-version=${API}`;
    url = new URL(path, emulator.endpoint).href;
  });
  afterAll(() => emulator.close());

  const sign = (overrides: Partial<Parameters<typeof signedHeaders>[0]> = {}) =>
    signedHeaders({ key: emulator.accessKey, method: "POST", url, body, ...overrides });
  const minutes = (n: number) => new Date(Date.now() + n * 60_000).toUTCString();

  it("accepts a correctly signed request", async () => {
    const response = await send(emulator.endpoint, { method: "POST", path, body, headers: await sign() });
    expect(response.status).toBe(200);
  });

  const cases: Array<[string, () => Promise<{ path?: string; body?: string; headers: Record<string, string | undefined> }>]> = [
    [
      "a tampered body",
      async () => ({
        body: JSON.stringify({ scopes: ["voip"] }),
        headers: {
          ...(await sign()),
          "x-ms-content-sha256": undefined,
          ...hashOnly(await sign({ body: JSON.stringify({ scopes: ["voip"] }) })),
        },
      }),
    ],
    ["a tampered path", async () => ({ path: path.replace(":issueAccessToken", ":revokeAccessTokens"), headers: await sign() })],
    ["a tampered query", async () => ({ path: `${path}&extra=1`, headers: await sign() })],
    ["a tampered host", async () => ({ headers: { ...(await sign()), host: "contoso.communication.azure.com" } })],
    ["a tampered date", async () => ({ headers: { ...(await sign()), "x-ms-date": minutes(1) } })],
    ["a date 16 minutes old", async () => ({ headers: await sign({ date: minutes(-16) }) })],
    ["a date 16 minutes ahead", async () => ({ headers: await sign({ date: minutes(16) }) })],
    ["a date that is not a date", async () => ({ headers: await sign({ date: "yesterday" }) })],
    ["no x-ms-date", async () => ({ headers: { ...(await sign()), "x-ms-date": undefined } })],
    ["no x-ms-content-sha256", async () => ({ headers: { ...(await sign()), "x-ms-content-sha256": undefined } })],
    ["no authorization", async () => ({ headers: { ...(await sign()), authorization: undefined } })],
    [
      "a wrong scheme",
      async () => ({ headers: { ...(await sign()), authorization: (await sign()).authorization!.replace("HMAC-SHA256", "HMAC-SHA1") } }),
    ],
    [
      "other signed headers",
      async () => ({
        headers: { ...(await sign()), authorization: (await sign()).authorization!.replace("x-ms-date;host", "host;x-ms-date") },
      }),
    ],
    [
      "a signature that is not base64",
      async () => ({
        headers: { ...(await sign()), authorization: (await sign()).authorization!.replace(/Signature=.*/, "Signature=!!not*base64!!") },
      }),
    ],
    ["a truncated signature", async () => ({ headers: { ...(await sign()), authorization: (await sign()).authorization!.slice(0, -8) } })],
    ["a wrong key", async () => ({ headers: await sign({ key: WRONG_KEY }) })],
    ["a bearer token (bearer not allowed)", async () => ({ headers: { ...(await sign()), authorization: "Bearer abc" } })],
  ];

  it.each(cases)("refuses %s with 401 Denied", async (_name, build) => {
    const request = await build();
    const response = await send(emulator.endpoint, {
      method: "POST",
      path: request.path ?? path,
      body: request.body ?? body,
      headers: request.headers,
    });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe("Denied");
    expect(response.headers["ms-cv"]).toMatch(/^[A-Za-z0-9+/]{22}\.0$/);
  });

  it("names the content hash when it does not match the body", async () => {
    const response = await send(emulator.endpoint, {
      method: "POST",
      path,
      body: JSON.stringify({ scopes: ["voip"] }),
      headers: await sign(),
    });
    expect(response.json).toEqual({
      error: { code: "Denied", message: "The content hash (x-ms-content-sha256) does not match the request body." },
    });
  });

  it("answers the plain Denied body for a bad signature", async () => {
    const response = await send(emulator.endpoint, { method: "POST", path, body, headers: await sign({ key: WRONG_KEY }) });
    expect(response.json).toEqual(DENIED);
  });

  it("accepts a date 14 minutes off either way", async () => {
    for (const offset of [-14, 14]) {
      const response = await send(emulator.endpoint, { method: "POST", path, body, headers: await sign({ date: minutes(offset) }) });
      expect(response.status).toBe(200);
    }
  });

  it("keeps serving after every refusal", async () => {
    const response = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} });
    expect(response.status).toBe(201);
  });
});

describe("bearer authentication", () => {
  it("accepts any bearer token with allowBearer, and still checks HMAC", async () => {
    const emulator = await startEmulator({ allowBearer: true });
    try {
      const bearer = await send(emulator.endpoint, {
        method: "POST",
        path: `/identities?api-version=${API}`,
        body: "{}",
        headers: { authorization: "Bearer anything" },
      });
      expect(bearer.status).toBe(201);
      const empty = await send(emulator.endpoint, {
        method: "POST",
        path: `/identities?api-version=${API}`,
        body: "{}",
        headers: { authorization: "Bearer " },
      });
      expect(empty.status).toBe(401);
      const hmac = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} });
      expect(hmac.status).toBe(201);
    } finally {
      await emulator.close();
    }
  });
});

function hashOnly(headers: Record<string, string>): Record<string, string> {
  return { "x-ms-content-sha256": headers["x-ms-content-sha256"]! };
}
