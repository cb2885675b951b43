/**
 * The precise reason behind each refusal, as the authenticator, the operations and the validation
 * report it for the request log: exact kinds, details and sentences, and never a secret.
 */
import { describe, expect, it } from "vitest";
import { createAuthenticator, type AuthRequest } from "../../src/emulator/auth/auth.js";
import { ServiceError } from "../../src/emulator/routes/errors.js";
import { describe as describeReason, type RefusalReason } from "../../src/emulator/pipeline/reasons.js";
import { signedHeaders } from "./helpers.js";

const KEY = Buffer.alloc(64, 1).toString("base64");
const WRONG_KEY = Buffer.alloc(64, 7).toString("base64");
const NOW = Date.parse("2026-03-01T12:00:00Z");
const PATH = "/identities?api-version=2023-10-01";
const BODY = JSON.stringify({ createTokenWithScopes: ["chat"] });
const EMPTY_HASH = "47DEQpj8HBSa+/TImW5JCeuQeRkm5NMpJWZG3hSuFU4=";

const authenticator = createAuthenticator({ accessKey: KEY, allowBearer: false, now: () => NOW });

async function request(
  overrides: { key?: string; date?: string; signedHost?: string; body?: string; headers?: Record<string, string | undefined> } = {},
): Promise<AuthRequest> {
  const signedHost = overrides.signedHost ?? "127.0.0.1:8089";
  const headers = await signedHeaders({
    key: overrides.key ?? KEY,
    method: "POST",
    url: `http://${signedHost}${PATH}`,
    body: BODY,
    date: overrides.date ?? new Date(NOW).toUTCString(),
  });
  const all = { host: "127.0.0.1:8089", ...headers, ...overrides.headers };
  return {
    method: "POST",
    target: PATH,
    headers: Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)),
    body: Buffer.from(overrides.body ?? BODY),
  };
}

async function reasonOf(authRequest: AuthRequest): Promise<RefusalReason | undefined> {
  try {
    await authenticator.authenticate(authRequest);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return (error as ServiceError).reason;
  }
}

describe("refusal reasons of the authenticator", () => {
  it("has none for a good request", async () => {
    expect(await reasonOf(await request())).toBeUndefined();
  });

  it("gives the date's distance from the emulator's clock in minutes, ahead or behind", async () => {
    const ahead = new Date(NOW + 20 * 60_000).toUTCString();
    expect(describeReason((await reasonOf(await request({ date: ahead })))!)).toStrictEqual({
      kind: "dateSkew",
      date: "Sun, 01 Mar 2026 12:20:00 GMT",
      minutes: 20,
      text: "x-ms-date is 20 minutes ahead of the emulator's clock (at most 15 allowed): Sun, 01 Mar 2026 12:20:00 GMT.",
    });
    const behind = new Date(NOW - 90 * 60_000 - 30_000).toUTCString();
    expect(describeReason((await reasonOf(await request({ date: behind })))!).text).toBe(
      "x-ms-date is 90.5 minutes behind the emulator's clock (at most 15 allowed): Sun, 01 Mar 2026 10:29:30 GMT.",
    );
  });

  it("gives the claimed and the computed content hash when the body changed after hashing", async () => {
    const reason = await reasonOf(await request({ body: "{}" }));
    expect(reason).toStrictEqual({
      kind: "contentHashMismatch",
      received: "WTRvgEjjVd+bvyKw3WgXgDkU81aV8FWq+4/BE+he0+A=",
      computed: "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=",
    });
    expect(describeReason(reason!).text).toBe(
      "The content hash differs from the body: x-ms-content-sha256 is WTRvgEjjVd+bvyKw3WgXgDkU81aV8FWq+4/BE+he0+A=, the body received hashes to RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=.",
    );
  });

  it("names the host signed when it differs from the host received", async () => {
    expect(await reasonOf(await request({ signedHost: "localhost:8089" }))).toStrictEqual({
      kind: "hostMismatch",
      signedHost: "localhost:8089",
      receivedHost: "127.0.0.1:8089",
    });
  });

  it("gives the string to sign it computed and 12 characters of the signature for a wrong key", async () => {
    const wrong = await request({ key: WRONG_KEY });
    const signature = /Signature=(.+)$/.exec(String(wrong.headers.authorization))![1]!;
    const reason = await reasonOf(wrong);
    expect(reason).toStrictEqual({
      kind: "signatureMismatch",
      stringToSign: `POST\n${PATH}\nSun, 01 Mar 2026 12:00:00 GMT;127.0.0.1:8089;WTRvgEjjVd+bvyKw3WgXgDkU81aV8FWq+4/BE+he0+A=`,
      signature: `${signature.slice(0, 12)}…`,
    });
    expect(JSON.stringify(describeReason(reason!))).not.toContain(signature.slice(0, 13));
    expect(JSON.stringify(describeReason(reason!))).not.toContain(KEY);
  });

  it("tells a missing header, a bad scheme and a refused bearer apart", async () => {
    expect(await reasonOf(await request({ headers: { authorization: undefined } }))).toStrictEqual({ kind: "noAuthorization" });
    expect(await reasonOf(await request({ headers: { authorization: "HMAC-SHA1 x" } }))).toStrictEqual({ kind: "badAuthorization" });
    expect(await reasonOf(await request({ headers: { authorization: "Bearer abc" } }))).toStrictEqual({ kind: "bearerRefused" });
    expect(await reasonOf(await request({ headers: { "x-ms-date": undefined } }))).toStrictEqual({ kind: "dateMissing" });
    expect(await reasonOf(await request({ headers: { "x-ms-content-sha256": undefined } }))).toStrictEqual({ kind: "contentHashMissing" });
    expect(await reasonOf(await request({ headers: { host: undefined } }))).toStrictEqual({ kind: "hostMissing" });
    expect(await reasonOf(await request({ headers: { host: "a b" } }))).toStrictEqual({ kind: "hostInvalid", host: "a b" });
  });

  it("says each in one sentence", () => {
    const sentences = (
      [
        [{ kind: "identityDeleted", id: "8:acs:r_1", deletedAt: NOW }, "Identity 8:acs:r_1 was deleted at 2026-03-01T12:00:00.000Z."],
        [{ kind: "identityUnknown", id: "8:acs:r_2" }, "Identity 8:acs:r_2 does not exist."],
        [{ kind: "identityForeign", id: "8:acs:other_3" }, "Identity 8:acs:other_3 is not of this resource."],
        [
          { kind: "identityExchanged", id: "8:acs:r_wf_t_o" },
          "Identity 8:acs:r_wf_t_o was minted by an Entra token exchange: it gets tokens only by exchange, and cannot be issued a token, read, revoked or deleted.",
        ],
        [
          { kind: "scopeInvalid", scope: "chat.join", apiVersion: "2023-10-01", valid: ["chat", "voip"] },
          'Scope "chat.join" is not valid for api-version 2023-10-01 (valid: chat, voip).',
        ],
        [
          { kind: "hostNotLoopback", host: "evil.example:8089" },
          "A bearer token came with Host evil.example:8089: the emulator takes bearer tokens only for a loopback host (a page whose name was rebound to 127.0.0.1 must not mint tokens).",
        ],
        [{ kind: "fault", fault: { status: 503, retryAfterSeconds: 2 } }, "Injected fault: HTTP 503, Retry-After 2 s."],
        [{ kind: "fault", fault: { drop: "after", latencyMs: 50 } }, "Injected fault: 50 ms latency, dropped after processing."],
        [
          { kind: "throttled", limit: 100, windowMs: 10_000, retryAfterSeconds: 3 },
          "Throttled: more than 100 requests in 10 s; retry after 3 s.",
        ],
        [
          { kind: "error", code: "NotFound", message: "The requested resource does not exist." },
          "NotFound: The requested resource does not exist.",
        ],
        [
          { kind: "contentHashMismatch", received: EMPTY_HASH, computed: "" },
          `The content hash differs from the body: x-ms-content-sha256 is ${EMPTY_HASH}, the body received hashes to nothing (it is not UTF-8).`,
        ],
      ] as const
    ).map(([reason, text]) => [describeReason(reason as RefusalReason).text, text]);
    for (const [actual, expected] of sentences) expect(actual).toBe(expected);
  });
});
