// The emulator's authenticator called directly (no server): every way a request is refused with
// 401 Denied, the one refusal that names its reason, and the edges that are still accepted.
import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { createAuthenticator, MAX_CLOCK_SKEW_MS } from "../../src/emulator/auth/auth.js";
import { ServiceError } from "../../src/emulator/routes/errors.js";
import { createHmacSigner, sha256Base64 } from "../../src/auth/hmac.js";
import { authorizationHeader, EMPTY_CONTENT_HASH, stringToSign } from "../../src/auth/signing.js";

const KEY = Buffer.alloc(32, 3).toString("base64");
const NOW = Date.parse("Mon, 01 Jan 2024 12:00:00 GMT");
const HOST = "127.0.0.1:8089";
const TARGET = "/identities?api-version=2023-10-01";
const BODY = '{"createTokenWithScopes":["chat"]}';

interface Parts {
  method?: string;
  target?: string;
  host?: string;
  body?: string;
  date?: string;
}

/** The headers of a correctly signed request, and the request itself. */
async function signed({ method = "POST", target = TARGET, host = HOST, body = BODY, date = new Date(NOW).toUTCString() }: Parts = {}) {
  const contentHash = body === "" ? EMPTY_CONTENT_HASH : await sha256Base64(body);
  const signature = await createHmacSigner(KEY)(stringToSign({ method, url: new URL(target, `http://${host}`), date, contentHash }));
  const headers: IncomingHttpHeaders = {
    host,
    "x-ms-date": date,
    "x-ms-content-sha256": contentHash,
    authorization: authorizationHeader(signature),
  };
  return { method, target, headers, body: Buffer.from(body) };
}

const authenticator = (allowBearer = false, now = NOW) => createAuthenticator({ accessKey: KEY, allowBearer, now: () => now });

/** What authenticate() did: "accepted", or the refusal's status, code and message. */
async function outcome(request: Awaited<ReturnType<typeof signed>>, allowBearer = false, now = NOW) {
  try {
    await authenticator(allowBearer, now).authenticate(request);
    return "accepted";
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    const { status, code, message } = error as ServiceError & { status: number; code: string };
    return { status, code, message };
  }
}

const DENIED = { status: 401, code: "Denied", message: "Denied by the resource provider." };
const HASH_MISMATCH = { status: 401, code: "Denied", message: "The content hash (x-ms-content-sha256) does not match the request body." };

describe("createAuthenticator: HMAC", () => {
  it("accepts a correctly signed request, with a body and without one", async () => {
    expect(await outcome(await signed())).toBe("accepted");
    expect(await outcome(await signed({ method: "GET", body: "" }))).toBe("accepted");
  });

  it("accepts an absolute request target on the same host", async () => {
    const request = await signed();
    expect(await outcome({ ...request, target: `http://${HOST}${TARGET}` })).toBe("accepted");
  });

  it("accepts a date exactly 15 minutes off either way, and refuses one 1 ms further", async () => {
    expect(MAX_CLOCK_SKEW_MS).toBe(900_000);
    const request = await signed();
    expect(await outcome(request, false, NOW + MAX_CLOCK_SKEW_MS)).toBe("accepted");
    expect(await outcome(request, false, NOW - MAX_CLOCK_SKEW_MS)).toBe("accepted");
    expect(await outcome(request, false, NOW + MAX_CLOCK_SKEW_MS + 1000)).toStrictEqual(DENIED);
    expect(await outcome(request, false, NOW - MAX_CLOCK_SKEW_MS - 1000)).toStrictEqual(DENIED);
  });

  const without = (name: string) => async () => {
    const request = await signed();
    delete request.headers[name];
    return request;
  };
  const withHeader = (name: string, value: string | string[]) => async () => {
    const request = await signed();
    request.headers[name] = value as string;
    return request;
  };

  it.each([
    ["no Authorization", without("authorization")],
    ["an empty Authorization", withHeader("authorization", "")],
    [
      "two Authorization headers",
      async () => {
        const r = await signed();
        r.headers.authorization = [r.headers.authorization!, r.headers.authorization!] as unknown as string;
        return r;
      },
    ],
    ["another scheme", withHeader("authorization", "Basic dXNlcjpwdw==")],
    [
      "other signed headers",
      async () => {
        const r = await signed();
        r.headers.authorization = r.headers.authorization!.replace("x-ms-date;host", "host;x-ms-date");
        return r;
      },
    ],
    ["a signature that is not base64", withHeader("authorization", authorizationHeader("!".repeat(43) + "="))],
    ["a signature of 31 bytes", withHeader("authorization", authorizationHeader(Buffer.alloc(31, 1).toString("base64")))],
    ["a signature of 33 bytes", withHeader("authorization", authorizationHeader(Buffer.alloc(33, 1).toString("base64")))],
    ["an unpadded signature", withHeader("authorization", authorizationHeader(Buffer.alloc(32, 1).toString("base64").replace("=", "")))],
    [
      "a signature with stray bits",
      withHeader("authorization", authorizationHeader(Buffer.alloc(32, 1).toString("base64").replace("E=", "F="))),
    ],
    ["a wrong signature", withHeader("authorization", authorizationHeader(Buffer.alloc(32, 1).toString("base64")))],
    ["no x-ms-date", without("x-ms-date")],
    ["an unparsable x-ms-date", withHeader("x-ms-date", "yesterday")],
    ["two x-ms-date headers", withHeader("x-ms-date", [new Date(NOW).toUTCString(), new Date(NOW).toUTCString()])],
    ["no content hash", without("x-ms-content-sha256")],
    ["no Host", without("host")],
    ["an empty Host", withHeader("host", "")],
    ["a Host that is not a host", withHeader("host", "a b")],
    ["a Host that URL parsing changes", withHeader("host", "127.0.0.1:80")],
    ["an upper-case Host", async () => signed({ host: "EXAMPLE.com" })],
    [
      "a target on another host",
      async () => {
        const r = await signed();
        return { ...r, target: `http://other.example${TARGET}` };
      },
    ],
    ["another method than signed", async () => ({ ...(await signed()), method: "PUT" })],
    ["another path than signed", async () => ({ ...(await signed()), target: "/identities?api-version=2025-06-30" })],
  ])("refuses %s with the plain Denied", async (_what, build) => {
    expect(await outcome(await build())).toStrictEqual(DENIED);
  });

  it("names the content hash when it does not match the body", async () => {
    const request = await signed();
    expect(await outcome({ ...request, body: Buffer.from(`${BODY} `) })).toStrictEqual(HASH_MISMATCH);
  });

  it("an empty body must claim the empty hash", async () => {
    const request = await signed({ body: "" });
    request.headers["x-ms-content-sha256"] = await sha256Base64(" ");
    expect(await outcome(request)).toStrictEqual(HASH_MISMATCH);
  });

  it("a body that is not UTF-8 matches no hash, not even the empty string's", async () => {
    const request = await signed({ body: "" });
    request.headers["x-ms-content-sha256"] = EMPTY_CONTENT_HASH;
    expect(await outcome({ ...request, body: Buffer.from([0xff, 0xfe]) })).toStrictEqual(HASH_MISMATCH);
    const emptyClaim = await signed({ body: "" });
    emptyClaim.headers["x-ms-content-sha256"] = "";
    expect(await outcome({ ...emptyClaim, body: Buffer.from([0xc3]) })).toStrictEqual(DENIED);
  });

  it("a body with a byte-order mark is hashed with it", async () => {
    const request = await signed({ body: "\uFEFF{}" });
    expect(await outcome(request)).toBe("accepted");
  });
});

describe("createAuthenticator: bearer tokens", () => {
  const bearer = async (authorization: string) => {
    const request = await signed();
    request.headers.authorization = authorization;
    return request;
  };

  it("accepts any bearer token with allowBearer, in any case of the scheme", async () => {
    expect(await outcome(await bearer("Bearer abc"), true)).toBe("accepted");
    expect(await outcome(await bearer("bearer abc"), true)).toBe("accepted");
  });

  it("refuses a bearer token without allowBearer", async () => {
    expect(await outcome(await bearer("Bearer abc"), false)).toStrictEqual(DENIED);
  });

  it("refuses an empty bearer token", async () => {
    expect(await outcome(await bearer("Bearer    "), true)).toStrictEqual(DENIED);
  });

  it("still checks HMAC with allowBearer", async () => {
    expect(await outcome(await signed(), true)).toBe("accepted");
    const request = await signed();
    request.headers.authorization = authorizationHeader(Buffer.alloc(32, 1).toString("base64"));
    expect(await outcome(request, true)).toStrictEqual(DENIED);
  });
});

describe("createAuthenticator: edges", () => {
  it("a scheme that only contains Bearer is not a bearer token", async () => {
    const request = await signed();
    request.headers.authorization = "xBearer abc";
    expect(await outcome(request, true)).toStrictEqual(DENIED);
  });

  it("refuses the right signature written with stray bits (decodes to the same bytes, is not canonical)", async () => {
    const request = await signed();
    const signature = request.headers.authorization!.split("&Signature=")[1]!;
    const last = signature.at(-2)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // The last character before "=" carries 4 bits of data and 2 stray bits: flip a stray bit.
    const stray = alphabet[alphabet.indexOf(last) ^ 1]!;
    const variant = `${signature.slice(0, -2)}${stray}=`;
    expect(Buffer.from(variant, "base64")).toStrictEqual(Buffer.from(signature, "base64"));
    request.headers.authorization = authorizationHeader(variant);
    expect(await outcome(request)).toStrictEqual(DENIED);
  });

  it("refuses the right signature with a character that is not base64 inserted (a lenient decoder would skip it)", async () => {
    const request = await signed();
    const signature = request.headers.authorization!.split("&Signature=")[1]!;
    const variant = `${signature.slice(0, 10)}!${signature.slice(10)}`;
    expect(Buffer.from(variant, "base64")).toStrictEqual(Buffer.from(signature, "base64"));
    request.headers.authorization = authorizationHeader(variant);
    expect(await outcome(request)).toStrictEqual(DENIED);
  });

  it("a body that is not UTF-8 never matches the hash of its lenient decoding", async () => {
    const request = await signed({ body: "\uFFFD" });
    expect(await outcome({ ...request, body: Buffer.from([0xff]) })).toStrictEqual(HASH_MISMATCH);
  });

  it("an empty content hash header counts as missing: the plain Denied", async () => {
    const request = await signed();
    request.headers["x-ms-content-sha256"] = "";
    expect(await outcome(request)).toStrictEqual(DENIED);
  });
});

describe("createAuthenticator: the reason recorded with a refusal", () => {
  /** The refusal's reason for the request log. */
  async function reasonOf(request: Awaited<ReturnType<typeof signed>>, allowBearer = false) {
    const error = await authenticator(allowBearer)
      .authenticate(request)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(ServiceError);
    return (error as ServiceError).reason;
  }

  it.each([
    ["localhost:8089", "127.0.0.1:8089"],
    ["[::1]:8089", "127.0.0.1:8089"],
    ["127.0.0.1:8089", "localhost:8089"],
    ["127.0.0.1", "localhost"],
    ["localhost", "localhost:8089"],
  ])("names the loopback host %s that the client signed, when it sent to %s", async (signedHost, receivedHost) => {
    const request = await signed({ host: signedHost });
    request.headers.host = receivedHost;
    expect(await reasonOf(request)).toStrictEqual({ kind: "hostMismatch", signedHost, receivedHost });
  });

  it("a signature for no loopback variant of the host is a signature mismatch", async () => {
    const request = await signed({ host: "example.com:8089" });
    request.headers.host = HOST;
    expect(await reasonOf(request)).toMatchObject({ kind: "signatureMismatch" });
  });

  it.each([["a b"], ["127.0.0.1:80"]])("a Host %j that URL parsing refuses or changes is invalid", async (host) => {
    const request = await signed();
    request.headers.host = host;
    expect(await reasonOf(request)).toStrictEqual({ kind: "hostInvalid", host });
  });

  it.each([[`/\\${HOST}${TARGET}`], [`//${HOST}${TARGET}`]])(
    "the target %s is all path: a signature of the path after its host does not match it",
    async (target) => {
      const request = await signed();
      const reason = await reasonOf({ ...request, target });
      expect(reason).toMatchObject({ kind: "signatureMismatch" });
      expect((reason as { stringToSign: string }).stringToSign.split("\n")[1]).toBe(`//${HOST}${TARGET}`);
    },
  );

  it("a bearer token sent to a host that is not loopback is refused, naming the host", async () => {
    const request = await signed({ host: "example.com:8089" });
    request.headers.authorization = "Bearer abc";
    expect(await reasonOf(request, true)).toStrictEqual({ kind: "hostNotLoopback", host: "example.com:8089" });
  });
});
