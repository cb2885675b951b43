/**
 * The dashboard page as the emulator serves it: its three files, their types and security
 * headers, only on the emulator's own loopback Host; and none of it in the client's browser build.
 */
import { existsSync, readFileSync } from "node:fs";
import { Script } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { send } from "./helpers.js";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

describe("the dashboard page", () => {
  it("serves the page, its style and its script with their types, a strict CSP, and no caching or framing", async () => {
    for (const [path, type, start] of [
      ["/_emulator/", "text/html; charset=utf-8", "<!doctype html>"],
      ["/_emulator/dashboard.css", "text/css; charset=utf-8", ":root {"],
      ["/_emulator/dashboard.js", "text/javascript; charset=utf-8", '"use strict";'],
    ] as const) {
      const response = await send(emulator.endpoint, { method: "GET", path });
      expect([path, response.status, response.headers["content-type"]]).toStrictEqual([path, 200, type]);
      expect(response.text.startsWith(start)).toBe(true);
      expect(response.headers["content-security-policy"]).toBe(POLICY);
      expect(response.headers["x-frame-options"]).toBe("DENY");
      expect(response.headers["cache-control"]).toBe("no-store");
      expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });

  it("runs as a script: the served text parses", async () => {
    const script = (await send(emulator.endpoint, { method: "GET", path: "/_emulator/dashboard.js" })).text;
    expect(() => new Script(script)).not.toThrow();
    expect(script).toContain("new EventSource(`${API}/events`)");
  });

  it("redirects /_emulator to /_emulator/, refuses other methods and unknown files", async () => {
    const redirect = await send(emulator.endpoint, { method: "GET", path: "/_emulator" });
    expect([redirect.status, redirect.headers.location]).toStrictEqual([308, "/_emulator/"]);
    const post = await send(emulator.endpoint, {
      method: "POST",
      path: "/_emulator/",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect([post.status, post.headers.allow]).toStrictEqual([405, "GET, HEAD"]);
    const missing = await send(emulator.endpoint, { method: "GET", path: "/_emulator/nothing.js" });
    expect([missing.status, missing.json]).toStrictEqual([404, { error: { code: "NotFound", message: "No such dashboard page." } }]);
  });

  it("answers only on the emulator's own loopback Host", async () => {
    const port = new URL(emulator.endpoint).port;
    const rebound = await send(emulator.endpoint, { method: "GET", path: "/_emulator/", headers: { host: `attacker.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toContain("<!doctype html>");
    expect((await send(emulator.endpoint, { method: "GET", path: "/_emulator/", headers: { host: `localhost:${port}` } })).status).toBe(
      200,
    );
  });

  it("is not part of the client's browser build (needs npm run build)", () => {
    if (!existsSync("dist/browser/index.js")) throw new Error("dist/browser is missing: run `npm run build` first.");
    const browser = readFileSync("dist/browser/index.js", "utf8");
    expect(browser).not.toContain("_emulator");
    expect(browser).not.toContain("EventSource");
  });
});
