import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { API, send, signedSend, type RawResponse } from "./helpers.js";

const EXPOSED =
  "ms-cv, date, retry-after, retry-after-ms, x-ms-retry-after-ms, api-supported-versions, repeatability-result, x-ms-client-request-id";

/** The CORS headers of a response. */
function corsOf(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => name.startsWith("access-control-allow-origin") || name === "access-control-expose-headers" || name === "vary",
    ),
  );
}

const preflight = (endpoint: string, origin: string) =>
  send(endpoint, {
    method: "OPTIONS",
    path: `/identities?api-version=${API}`,
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,x-ms-date,x-ms-content-sha256,content-type,traceparent",
    },
  });

/** A preflight's 204 for http://localhost:5173: every method, the signing headers (and `extraHeaders` asked for), a day's cache. */
function expectPreflightAnswer(response: RawResponse, extraHeaders = ""): void {
  expect(response.status).toBe(204);
  expect(corsOf(response.headers)).toStrictEqual({
    "access-control-allow-origin": "http://localhost:5173",
    "access-control-expose-headers": EXPOSED,
    vary: "Origin",
  });
  expect(response.headers["access-control-allow-methods"]).toBe("GET, POST, PUT, PATCH, DELETE, OPTIONS");
  expect(response.headers["access-control-allow-headers"]).toBe(
    `authorization, content-type, x-ms-date, x-ms-content-sha256, x-ms-client-request-id, x-ms-useragent, repeatability-request-id, repeatability-first-sent${extraHeaders}`,
  );
  expect(response.headers["access-control-max-age"]).toBe("86400");
}

describe("CORS", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ allowBearer: true });
  });
  afterAll(() => emulator.close());

  it("answers a preflight from a loopback page with 204, its origin, the methods and the signing headers", async () => {
    const response = await preflight(emulator.endpoint, "http://localhost:5173");
    expectPreflightAnswer(response, ", traceparent");
  });

  it.each([
    ["PUT", "/access/entra/assignments/b27b64b9-39d2-44a3-869d-67700b74e805"],
    ["PATCH", "/access/entra/assignments"],
    ["PUT", "/access/teamsExtension/tenants/c70d068c-2f32-484d-9455-73070cd5aadd/assignments/b27b64b9-39d2-44a3-869d-67700b74e805"],
  ])("answers the preflight of a page's assignment %s (%s) with the method allowed", async (method, path) => {
    const response = await send(emulator.endpoint, {
      method: "OPTIONS",
      path: `${path}?api-version=2025-03-02-preview`,
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": method,
        "access-control-request-headers": "authorization,content-type,x-ms-date,x-ms-content-sha256,x-ms-client-request-id,x-ms-useragent",
      },
    });
    expectPreflightAnswer(response);
  });

  it("allows every loopback origin by default: localhost, 127.x.x.x and [::1], http and https, any port", async () => {
    for (const origin of [
      "http://localhost",
      "https://localhost:8443",
      "http://127.0.0.1:63315",
      "http://127.1.2.3:8080",
      "http://[::1]:3000",
    ]) {
      expect((await preflight(emulator.endpoint, origin)).headers["access-control-allow-origin"]).toBe(origin);
    }
  });

  it("gives no other web origin permission, also with allowBearer, and never answers *", async () => {
    for (const origin of [
      "https://evil.example",
      "http://localhost.evil.example",
      "http://127.0.0.1.evil.example",
      "null",
      "http://localhost:5173/path",
      "file://",
      "http://10.0.0.1:5173",
    ]) {
      const response = await preflight(emulator.endpoint, origin);
      expect(corsOf(response.headers)).toStrictEqual({ vary: "Origin" });
      const bearer = await send(emulator.endpoint, {
        method: "POST",
        path: `/identities?api-version=${API}`,
        body: "{}",
        headers: { origin, authorization: "Bearer anything", "content-type": "application/json" },
      });
      expect(bearer.status).toBe(201);
      expect(corsOf(bearer.headers)).toStrictEqual({ vary: "Origin" });
    }
  });

  it("lets a loopback page read the correlation, date, retry and repeatability headers of every response", async () => {
    const origin = { origin: "http://127.0.0.1:4000" };
    for (const response of [
      await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {}, headers: origin }),
      await send(emulator.endpoint, { method: "GET", path: "/nowhere", headers: origin }),
    ]) {
      expect(corsOf(response.headers)).toStrictEqual({
        "access-control-allow-origin": "http://127.0.0.1:4000",
        "access-control-expose-headers": EXPOSED,
        vary: "Origin",
      });
    }
    // A request without an Origin (not from a page) needs no permission.
    expect(corsOf((await send(emulator.endpoint, { method: "GET", path: "/nowhere" })).headers)).toStrictEqual({ vary: "Origin" });
  });
});

describe("CORS with configured origins", () => {
  it("allows exactly the configured origins, and no loopback origin that is not among them", async () => {
    const emulator = await startEmulator({ corsOrigins: ["https://app.contoso.test", "http://localhost:5173"] });
    try {
      const allowed = async (origin: string) => (await preflight(emulator.endpoint, origin)).headers["access-control-allow-origin"];
      expect(await allowed("https://app.contoso.test")).toBe("https://app.contoso.test");
      expect(await allowed("http://localhost:5173")).toBe("http://localhost:5173");
      expect(await allowed("http://localhost:5174")).toBeUndefined();
      expect(await allowed("http://app.contoso.test")).toBeUndefined();
    } finally {
      await emulator.close();
    }
  });

  it.each(["*", "localhost:5173", "http://localhost:5173/", "ftp://localhost", "https://app.contoso.test/path"])(
    "refuses %j as an origin before starting",
    async (origin) => {
      await expect(startEmulator({ corsOrigins: [origin] })).rejects.toThrow(
        new TypeError(`A CORS origin must be http(s)://host[:port], e.g. http://localhost:5173, without a path: "${origin}" is not.`),
      );
    },
  );
});
