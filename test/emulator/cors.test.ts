import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { API, send, signedSend } from "./helpers.js";

describe("CORS", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it("answers a preflight with 204, the methods and the signing headers", async () => {
    const response = await send(emulator.endpoint, {
      method: "OPTIONS",
      path: `/identities?api-version=${API}`,
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,x-ms-date,x-ms-content-sha256,content-type,traceparent",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    expect(response.headers["access-control-allow-methods"]).toBe("GET, POST, DELETE, OPTIONS");
    expect(response.headers["access-control-allow-headers"]).toBe(
      "authorization, content-type, x-ms-date, x-ms-content-sha256, x-ms-client-request-id, x-ms-useragent, repeatability-request-id, repeatability-first-sent, traceparent",
    );
    expect(response.headers["access-control-max-age"]).toBe("86400");
  });

  it("lets a page read the correlation, date, retry and repeatability headers of every response", async () => {
    for (const response of [
      await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} }),
      await send(emulator.endpoint, { method: "GET", path: "/nowhere" }),
    ]) {
      expect(response.headers["access-control-allow-origin"]).toBe("*");
      expect(response.headers["access-control-expose-headers"]).toBe(
        "ms-cv, date, retry-after, retry-after-ms, x-ms-retry-after-ms, api-supported-versions, repeatability-result, x-ms-client-request-id",
      );
    }
  });
});
