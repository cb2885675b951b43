/**
 * CORS as Chromium applies it: a page on another loopback origin sends the assignment methods to
 * the emulator, and the browser lets each through its preflight to the emulator's own answer.
 */
import { createServer, type Server } from "node:http";
import { chromium, type Browser } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../helpers/chromium.js";

let emulator: Emulator;
let browser: Browser;
let pageServer: Server;
let pageOrigin: string;
beforeAll(async () => {
  emulator = await startEmulator();
  pageServer = createServer(
    (_request, response) => void response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>page</title>"),
  );
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://localhost:${(pageServer.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pageServer?.close(resolve));
  await emulator?.close();
});

describe("CORS in Chromium", () => {
  it("lets a page on another loopback origin PUT and PATCH assignments: the emulator's own 401 reaches the page", async () => {
    const page = await browser.newPage();
    await page.goto(pageOrigin);
    const statuses = await page.evaluate(async (endpoint) => {
      const call = async (method: string, path: string, contentType: string) => {
        try {
          const response = await fetch(`${endpoint}${path}?api-version=2025-03-02-preview`, {
            method,
            headers: { "content-type": contentType, "x-ms-date": new Date().toUTCString() },
            body: "{}",
          });
          return `${method} ${response.status} ${(await response.json()).error.code}`;
        } catch (error) {
          return `${method} ${String(error)}`;
        }
      };
      return [
        await call("PUT", "/access/entra/assignments/b27b64b9-39d2-44a3-869d-67700b74e805", "application/json"),
        await call("PATCH", "/access/entra/assignments", "application/merge-patch+json"),
      ];
    }, emulator.endpoint);
    expect(statuses).toStrictEqual(["PUT 401 Denied", "PATCH 401 Denied"]);
    await page.close();
  });
});
