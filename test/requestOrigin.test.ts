import { AzureKeyCredential, type KeyCredential, type TokenCredential } from "@azure/core-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { signedHeaders } from "./emulator/helpers.js";
import { json, startRecordingServer, type Received, type RecordingServer } from "./helpers/recordingServer.js";

const KEY = Buffer.alloc(32, 3).toString("base64");
const TOKEN = "entra-token-for-the-client-origin-only";
const USER = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";

/** The client's endpoint, which redirects as `redirect` says (and serves `/moved/...` itself). */
let origin: RecordingServer;
/** Another port on the same host: another origin, which must get no credential. */
let elsewhere: RecordingServer;
/** How many of its next answers `elsewhere` throttles (503 with Retry-After: 0). */
let throttled = 0;
let redirect: { status: number; sameOrigin: boolean };

function serve(request: Received, response: Parameters<typeof json>[0]): void {
  if (request.method === "GET") json(response, 200, { id: USER });
  else json(response, 201, { identity: { id: USER } });
}

beforeAll(async () => {
  elsewhere = await startRecordingServer((request, response) => {
    if (throttled-- > 0) return json(response, 503, {}, { "retry-after": "0" });
    serve(request, response);
  });
  origin = await startRecordingServer((request, response) => {
    if (request.url.startsWith("/moved/")) return serve(request, response);
    const location = redirect.sameOrigin ? `/moved${request.url}` : `${elsewhere.origin}${request.url}`;
    response.writeHead(redirect.status, { location }).end();
  });
});
afterAll(async () => {
  await Promise.all([origin.close(), elsewhere.close()]);
});
beforeEach(() => {
  origin.received.length = 0;
  elsewhere.received.length = 0;
  throttled = 0;
});

const tokenCredential: TokenCredential = { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };
const credentials: Record<string, KeyCredential | TokenCredential> = { key: new AzureKeyCredential(KEY), token: tokenCredential };

// The pipeline (ts-http-runtime 0.3) honours this option, though core-rest-pipeline 1.22's
// RedirectPolicyOptions type does not declare it yet: passed as a variable, as JavaScript would
// (maxRetries, the default, makes it share a property with the declared type).
const followCrossOrigin = { maxRetries: 20, allowCrossOriginRedirects: true };

function clientWith(auth: string): CommunicationIdentityClient {
  return new CommunicationIdentityClient(origin.origin, credentials[auth]!, {
    apiVersion: "2025-03-02-preview",
    redirectOptions: followCrossOrigin,
    retryOptions: { maxRetries: 0 },
  });
}

/** A GET (getUser) or a POST (createUser); the outcome does not matter here, only what was sent. */
async function call(auth: string, method: string): Promise<void> {
  const client = clientWith(auth);
  await (method === "GET" ? client.getUser(USER) : client.createUser()).catch(() => undefined);
}

function credentialHeaders(request: Received): Record<string, string | undefined> {
  const { authorization, "x-ms-date": date, "x-ms-content-sha256": contentHash } = request.headers;
  return { authorization, "x-ms-date": date as string | undefined, "x-ms-content-sha256": contentHash as string | undefined };
}

// Which redirects the pipeline's redirect policy follows at all: 301 and 302 for GET, 303 for
// POST (as a GET), 307 for both; 308 for neither.
const FOLLOWED: Record<number, string[]> = { 301: ["GET"], 302: ["GET"], 303: ["POST"], 307: ["GET", "POST"], 308: [] };
const CASES = [301, 302, 303, 307, 308].flatMap((status) =>
  ["key", "token"].flatMap((auth) =>
    ["GET", "POST"].map((method) => ({ status, auth, method, followed: FOLLOWED[status]!.includes(method) })),
  ),
);

describe("credentials stay with the client's origin", () => {
  it.each(CASES)("a $status to another port after a $method with $auth auth carries no credential (followed: $followed)", async (c) => {
    redirect = { status: c.status, sameOrigin: false };
    await call(c.auth, c.method);
    expect(origin.received.map((r) => r.headers.authorization?.split(" ")[0])).toStrictEqual([c.auth === "key" ? "HMAC-SHA256" : "Bearer"]);
    const unsigned = { authorization: undefined, "x-ms-date": undefined, "x-ms-content-sha256": undefined };
    expect(elsewhere.received.map(credentialHeaders)).toStrictEqual(c.followed ? [unsigned] : []);
  });

  it.each(CASES.filter((c) => c.followed))(
    "a $status to the same origin after a $method with $auth auth is signed anew for its new URL",
    async (c) => {
      redirect = { status: c.status, sameOrigin: true };
      await call(c.auth, c.method);
      expect(origin.received).toHaveLength(2);
      const moved = origin.received[1]!;
      expect(moved.url.startsWith("/moved/")).toBe(true);
      const expected =
        c.auth === "token"
          ? `Bearer ${TOKEN}`
          : (
              await signedHeaders({
                key: KEY,
                method: moved.method,
                url: `${origin.origin}${moved.url}`,
                date: moved.headers["x-ms-date"] as string,
                ...(moved.body ? { body: moved.body } : {}),
              })
            ).authorization;
      expect(moved.headers.authorization).toBe(expected);
    },
  );

  it.each(["key", "token"])("a retry of a request that a redirect took elsewhere stays unsigned (%s auth)", async (auth) => {
    redirect = { status: 307, sameOrigin: false };
    throttled = 1;
    const client = new CommunicationIdentityClient(origin.origin, credentials[auth]!, {
      redirectOptions: followCrossOrigin,
      retryOptions: { maxRetries: 1, retryDelayInMs: 1 },
    });
    expect(await client.createUser()).toStrictEqual({ communicationUserId: USER });
    expect(elsewhere.received.map((r) => r.headers.authorization)).toStrictEqual([undefined, undefined]);
  });
});
