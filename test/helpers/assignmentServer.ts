/**
 * A loopback server for the assignment operations' tests: it records every request, answers as
 * the test says (by default the REST specification's examples), and checks each request's HMAC
 * signature with the emulator's authenticator, the same check the service makes.
 */
import { expect } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import type { CommunicationIdentityClientOptions } from "../../src/client/models.js";
import { createAuthenticator } from "../../src/emulator/auth/auth.js";
import { TEST_KEY } from "./identityServer.js";
import { json, startRecordingServer, type Received, type RecordingServer } from "./recordingServer.js";

/** A status and a JSON body (none when `undefined`). */
export type Reply = [status: number, body?: unknown];

export interface AssignmentServer extends RecordingServer {
  /** What the server answers; set it per test. */
  reply: (request: Received) => Reply;
  /** A client of this server with the api-version given, no retries. */
  client(apiVersion: string, options?: CommunicationIdentityClientOptions): CommunicationIdentityClient;
}

export async function startAssignmentServer(): Promise<AssignmentServer> {
  const server = await startRecordingServer((request, response) => {
    const [status, body] = harness.reply(request);
    if (body === undefined) response.writeHead(status).end();
    else json(response, status, body);
  });
  const harness: AssignmentServer = Object.assign(server, {
    reply: (): Reply => [500],
    client: (apiVersion: string, options: CommunicationIdentityClientOptions = {}) =>
      new CommunicationIdentityClient(`endpoint=${server.origin}/;accesskey=${TEST_KEY}`, {
        apiVersion,
        retryOptions: { maxRetries: 0 },
        ...options,
      }),
  });
  return harness;
}

const authenticator = createAuthenticator({ accessKey: TEST_KEY, allowBearer: false, now: Date.now });

/**
 * Checks one request as it arrived: method, path and query, body (exact text), the JSON headers,
 * and an HMAC signature the service would accept.
 */
export async function expectRequest(
  received: Received | undefined,
  expected: { method: string; url: string; body?: unknown; contentType?: string },
): Promise<void> {
  expect(received).toBeDefined();
  const { method, url, headers, body } = received!;
  expect({ method, url, body }).toStrictEqual({
    method: expected.method,
    url: expected.url,
    body: expected.body === undefined ? "" : JSON.stringify(expected.body),
  });
  expect(headers["accept"]).toBe("application/json");
  expect(headers["content-type"]).toBe(expected.body === undefined ? undefined : (expected.contentType ?? "application/json"));
  expect(headers["authorization"]).toMatch(/^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=[A-Za-z0-9+/]{43}=$/);
  await expect(authenticator.authenticate({ method, target: url, headers, body: Buffer.from(body) })).resolves.toBeUndefined();
}

/** What a call refused before sending rejected (or threw) with: class, message and the service's answer it carries. */
export async function refusedWith(call: () => unknown): Promise<{ name: string; message: string; statusCode: unknown; code: unknown }> {
  try {
    await call();
  } catch (error) {
    const { name, message, statusCode, code } = error as Error & { statusCode: unknown; code: unknown };
    return { name, message, statusCode, code };
  }
  throw new Error("expected the call to fail");
}

/** A refusal with the service's 400 ValidationError. */
export const v400 = (name: "TypeError" | "RangeError", message: string) => ({ name, message, statusCode: 400, code: "ValidationError" });
