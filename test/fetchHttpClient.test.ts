/**
 * The lean fetch HttpClient (src/transport/fetchHttpClient.ts) on Node.js's own fetch (undici), as runtimes
 * other than browsers that take the browser build run it: a network failure keeps the system
 * error's code, which the retry policy decides on. Its browser behaviour is tested in Chromium
 * (test/browser/fetchHttpClient.test.ts).
 */
import { createServer } from "node:net";
import { createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { createFetchHttpClient } from "../src/transport/fetchHttpClient.js";

/** A loopback port nothing listens on: taken from the OS, then freed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("createFetchHttpClient on Node.js's fetch", () => {
  it("reports a refused connection as a RestError with ECONNREFUSED, the code on the fetch error's cause", async () => {
    const request = createPipelineRequest({ url: `http://127.0.0.1:${await closedPort()}/identities`, allowInsecureConnection: true });
    const error: unknown = await createFetchHttpClient()
      .sendRequest(request)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RestError);
    expect({ message: (error as RestError).message, code: (error as RestError).code, request: (error as RestError).request }).toStrictEqual(
      {
        message: "Error sending request: fetch failed",
        code: "ECONNREFUSED",
        request,
      },
    );
  });
});
