/**
 * Fuzzing the emulator over raw sockets: fast-check generates requests (methods, targets,
 * queries, headers, bodies and framing, a share of them correctly signed so that they reach the
 * handlers), writes their exact bytes, and checks that every answer is well-formed HTTP with an
 * expected status and a JSON body of the right shape, never a stack trace, and that the emulator
 * still serves afterwards.
 */
import { connect, type Socket } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmacSigner, sha256Base64 } from "#hmac";
import { startEmulator, SUPPORTED_API_VERSIONS, type Emulator } from "../../src/emulator/index.js";
import { authorizationHeader, stringToSign } from "../../src/auth/signing.js";
import { API, createIdentity, PREVIEW, signedSend } from "./helpers.js";

/** Requests generated in total, over all properties. */
const RUNS = 10_000;
/** How long one answer may take before the run counts as a hang. */
const ANSWER_TIMEOUT_MS = 5_000;

/** Identities created before the run, for requests to name. */
const POOL_SIZE = 200;

/** Every status the emulator may answer a generated request with; 500 means an unexpected throw. */
const EXPECTED_STATUSES = new Set([200, 201, 204, 400, 401, 404, 405, 413, 417, 431]);

// ---------------------------------------------------------------------------------------------
// What is generated

/**
 * How the body is framed. `length` and `chunked` are correct; the others are not and go on a
 * connection of their own, which the test half-closes so that the server sees the end.
 */
type Framing = "length" | "chunked" | "none" | "shortLength" | "longLength" | "brokenChunked" | "lengthAndChunked";

interface FuzzCase {
  method: string;
  target: string;
  /** Correctly sign the request (as sent), sign it then tamper with one part, or not at all. */
  signing: "valid" | "tampered" | "none";
  /** A signing header (or Host) to leave out after signing. */
  omit: "x-ms-date" | "x-ms-content-sha256" | "authorization" | "host" | undefined;
  /** Extra headers, sent after the others; names may repeat. */
  headers: Array<[string, string]>;
  body: Buffer | undefined;
  framing: Framing;
  httpVersion: "1.1" | "1.0";
}

const KNOWN_METHODS = ["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"];
const TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~";
const ODD_CHARS = [
  ..."%/:?#[]@!$&'()*+,;= \"<>\\^`{|}~\t",
  "\u00e9",
  "\u2603",
  "\ud83d\ude00",
  "\u0000",
  "\u007f",
  "..",
  "%2F",
  "%00",
  "%zz",
  "%E0%A4%A",
  "%",
];

const token = (max: number) => fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: max });

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...KNOWN_METHODS) },
  { weight: 1, arbitrary: token(12) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** Which identity an id-taking route names: one that exists (by index into the pool), or garbage. */
const identityId = fc.oneof(
  { weight: 3, arbitrary: fc.nat(POOL_SIZE - 1).map((index) => ({ pool: index })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((text) => ({ literal: encodeURIComponent(text) })) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...ODD_CHARS), maxLength: 20 }).map((text) => ({ literal: text })) },
);
type IdChoice = { pool: number } | { literal: string };

const path = fc.oneof(
  { weight: 3, arbitrary: fc.constant<[string, IdChoice?]>(["/identities"]) },
  { weight: 4, arbitrary: identityId.map((id): [string, IdChoice?] => ["/identities/{id}/:issueAccessToken", id]) },
  { weight: 2, arbitrary: identityId.map((id): [string, IdChoice?] => ["/identities/{id}/:revokeAccessTokens", id]) },
  { weight: 3, arbitrary: identityId.map((id): [string, IdChoice?] => ["/identities/{id}", id]) },
  { weight: 2, arbitrary: fc.constant<[string, IdChoice?]>(["/teamsUser/:exchangeAccessToken"]) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.string({ unit: fc.constantFrom(...ODD_CHARS, "a", "identities", ":issueAccessToken"), maxLength: 6 }), { maxLength: 5 })
      .map((parts): [string, IdChoice?] => [`/${parts.join("/")}`]),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((length): [string, IdChoice?] => [`/identities/${"x".repeat(length)}`]),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<[string, IdChoice?]>(
      ["*"],
      ["http://127.0.0.1/identities"],
      ["//identities"],
      ["/identities/"],
      ["/identities//:issueAccessToken"],
      [""],
    ),
  },
);

const query = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SUPPORTED_API_VERSIONS).map((version) => `api-version=${version}`) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((text) => `api-version=${encodeURIComponent(text)}`) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...ODD_CHARS, "api-version", "=", "2023-10-01"), maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `api-version=${API}&api-version=${PREVIEW}`,
      `api-version=&x=1`,
      `API-VERSION=${API}`,
      `api-version=${API}&a=x%20y`,
    ),
  },
);

const scope = fc.oneof(
  fc.constantFrom("chat", "voip", "chat.join", "chat.join.limited", "voip.join"),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.constant(null),
);
const minutes = fc.oneof(fc.integer({ min: 60, max: 1440 }), fc.integer(), fc.double(), fc.constantFrom("60", null, true, [], {}));
const anyJson = fc.jsonValue({ maxDepth: 2 });

/** Bodies the operations understand, with each field sometimes of the wrong type. */
const operationBody = fc.oneof(
  fc.record(
    {
      createTokenWithScopes: fc.oneof(fc.array(scope, { maxLength: 4 }), anyJson),
      expiresInMinutes: minutes,
      customId: fc.oneof(fc.string({ maxLength: 300 }), anyJson),
    },
    { requiredKeys: [] },
  ),
  fc.record({ scopes: fc.oneof(fc.array(scope, { maxLength: 4 }), anyJson), expiresInMinutes: minutes }, { requiredKeys: [] }),
  fc.record(
    { token: fc.oneof(fc.string(), anyJson), appId: fc.oneof(fc.string(), anyJson), userId: fc.oneof(fc.string(), anyJson) },
    { requiredKeys: [] },
  ),
);

const body = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: operationBody.map((value) => Buffer.from(JSON.stringify(value))) },
  { weight: 2, arbitrary: anyJson.map((value) => Buffer.from(JSON.stringify(value))) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 200 }).map((text) => Buffer.from(text)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("{", '{"scopes":', "[1,2", "nul", '{"a":1}{', "\ufeff{}", "{}\u0000").map((text) => Buffer.from(text)),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((size) => Buffer.alloc(size, 0x20)) },
);

const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...TOKEN_CHARS, " ", ",", ";", "="), maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "Bearer ",
      "Bearer x",
      "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=",
      "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=!!!",
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((length) => "h".repeat(length)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const headerName = fc.oneof(
  fc.constantFrom(
    "authorization",
    "x-ms-date",
    "x-ms-content-sha256",
    "host",
    "content-type",
    "content-length",
    "transfer-encoding",
    "connection",
    "expect",
    "repeatability-request-id",
    "repeatability-first-sent",
    "access-control-request-headers",
  ),
  token(20),
);
const extraHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 });

type GeneratedCase = FuzzCase & { id?: IdChoice; query: string };

/** Anything goes: every part drawn independently, most requests broken somewhere. */
const wildCase: fc.Arbitrary<GeneratedCase> = fc
  .record({
    method,
    path,
    query,
    signing: fc.constantFrom("valid", "valid", "valid", "tampered", "none"),
    omit: fc.option(fc.constantFrom("x-ms-date", "x-ms-content-sha256", "authorization", "host"), { freq: 8, nil: undefined }),
    headers: fc.oneof({ weight: 3, arbitrary: fc.constant<Array<[string, string]>>([]) }, { weight: 1, arbitrary: extraHeaders }),
    body,
    framing: fc.constantFrom<Framing>(
      "length",
      "length",
      "length",
      "length",
      "chunked",
      "none",
      "shortLength",
      "longLength",
      "brokenChunked",
      "lengthAndChunked",
    ),
    httpVersion: fc.constantFrom<"1.1" | "1.0">("1.1", "1.1", "1.1", "1.1", "1.1", "1.1", "1.1", "1.0"),
  })
  .map(({ path: [template, id], ...rest }) => ({ ...rest, target: template, ...(id === undefined ? {} : { id }) }));

const validScopes = fc.subarray(["chat", "voip", "chat.join", "chat.join.limited", "voip.join"]);
const validMinutes = fc.option(fc.integer({ min: 55, max: 1445 }), { nil: undefined });
/** Entra ids are GUIDs; the service refuses anything else before it compares them with the token. */
const TEAMS_APP = "aaaaaaaa-0000-4000-8000-000000000001";
const TEAMS_USER = "bbbbbbbb-0000-4000-8000-000000000002";
const TEAMS_OTHER = "cccccccc-0000-4000-8000-000000000003";
const teamsToken = fc
  .record({
    appid: fc.constantFrom(TEAMS_APP, TEAMS_OTHER),
    oid: fc.constantFrom(TEAMS_USER, TEAMS_OTHER),
    exp: fc.integer({ min: -3600, max: 3600 }),
  })
  .map((claims) => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${part({ alg: "RS256", typ: "JWT" })}.${part({ ...claims, exp: Math.floor(Date.now() / 1000) + claims.exp })}.c2ln`;
  });
const json = <T>(arbitrary: fc.Arbitrary<T>) => arbitrary.map((value) => Buffer.from(JSON.stringify(value)));
const poolId = fc.nat(POOL_SIZE - 1).map((index): IdChoice => ({ pool: index }));

/** The operations as a correct client calls them, with mostly valid bodies: these reach the handlers. */
const saneRequest: fc.Arbitrary<{ method: string; target: string; id?: IdChoice; body: Buffer | undefined }> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      method: fc.constant("POST"),
      target: fc.constant("/identities"),
      body: fc.option(
        json(
          fc.record(
            { createTokenWithScopes: validScopes, expiresInMinutes: validMinutes, customId: fc.string({ maxLength: 8 }) },
            { requiredKeys: [] },
          ),
        ),
        { nil: undefined },
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      method: fc.constant("POST"),
      target: fc.constant("/identities/{id}/:issueAccessToken"),
      id: poolId,
      body: json(fc.record({ scopes: validScopes, expiresInMinutes: validMinutes }, { requiredKeys: ["scopes"] })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      method: fc.constant("POST"),
      target: fc.constant("/identities/{id}/:revokeAccessTokens"),
      id: poolId,
      body: fc.constant(undefined),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ method: fc.constant("GET"), target: fc.constant("/identities/{id}"), id: poolId, body: fc.constant(undefined) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      method: fc.constant("DELETE"),
      target: fc.constant("/identities/{id}"),
      id: poolId,
      body: fc.constant(undefined),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      method: fc.constant("POST"),
      target: fc.constant("/teamsUser/:exchangeAccessToken"),
      body: json(fc.record({ token: teamsToken, appId: fc.constantFrom(TEAMS_APP, "app"), userId: fc.constant(TEAMS_USER) })),
    }),
  },
  // Signed bodies of the wrong types, invalid JSON, unicode and bytes, where the handlers read them.
  {
    weight: 3,
    arbitrary: fc.record({
      method: fc.constant("POST"),
      target: fc.constantFrom("/identities", "/identities/{id}/:issueAccessToken", "/teamsUser/:exchangeAccessToken"),
      id: poolId,
      body,
    }),
  },
);

const saneCase: fc.Arbitrary<GeneratedCase> = fc
  .record({
    request: saneRequest,
    query: fc.constantFrom(...SUPPORTED_API_VERSIONS).map((version) => `api-version=${version}`),
    headers: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Array<[string, string]>>([]) },
      {
        weight: 1,
        arbitrary: fc.uuid().map((uuid): Array<[string, string]> => [
          ["repeatability-request-id", uuid],
          ["repeatability-first-sent", new Date().toUTCString()],
        ]),
      },
    ),
    framing: fc.constantFrom<Framing>("length", "length", "length", "chunked"),
  })
  .map(({ request, ...rest }) => ({ ...request, ...rest, signing: "valid", omit: undefined, httpVersion: "1.1" }));

const fuzzCase = fc.oneof({ weight: 1, arbitrary: saneCase }, { weight: 1, arbitrary: wildCase });

// ---------------------------------------------------------------------------------------------
// Turning a case into bytes

async function serialise(testCase: GeneratedCase, pool: string[], host: string, key: string): Promise<Buffer> {
  const id = testCase.id === undefined ? "" : "pool" in testCase.id ? encodeURIComponent(pool[testCase.id.pool]!) : testCase.id.literal;
  const path = testCase.target.replace("{id}", id);
  const target = testCase.query === "" || path === "*" ? path : `${path}?${testCase.query}`;
  const bodyText = testCase.body?.toString("utf8") ?? "";
  const headers: Array<[string, string]> = [["host", host]];
  if (testCase.signing !== "none") {
    const date = new Date().toUTCString();
    const contentHash = await sha256Base64(bodyText);
    let url: URL | undefined;
    try {
      url = new URL(target, `http://${host}`);
    } catch {
      url = undefined;
    }
    // A target no URL parser accepts cannot be signed; such requests go unsigned.
    if (url !== undefined) {
      const tampered = testCase.signing === "tampered";
      const signature = await createHmacSigner(key)(
        stringToSign({ method: tampered ? `${testCase.method}X` : testCase.method, url, date, contentHash }),
      );
      headers.push(["x-ms-date", date], ["x-ms-content-sha256", contentHash], ["authorization", authorizationHeader(signature)]);
    }
  }
  const kept = headers.filter(([name]) => name !== testCase.omit);
  if (testCase.body !== undefined) kept.push(["content-type", "application/json"]);
  kept.push(...testCase.headers);
  const bytes = testCase.body ?? Buffer.alloc(0);
  const { framingHeaders, payload } = frame(testCase.framing, bytes);
  const head = `${testCase.method} ${target} HTTP/${testCase.httpVersion}\r\n${[...kept, ...framingHeaders].map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`;
  return Buffer.concat([Buffer.from(head, "utf8"), payload]);
}

function frame(framing: Framing, bytes: Buffer): { framingHeaders: Array<[string, string]>; payload: Buffer } {
  const chunked = () =>
    Buffer.concat([
      ...(bytes.length ? [Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")] : []),
      Buffer.from("0\r\n\r\n"),
    ]);
  switch (framing) {
    case "length":
      return { framingHeaders: [["content-length", String(bytes.length)]], payload: bytes };
    case "none":
      return { framingHeaders: [], payload: bytes };
    case "chunked":
      return { framingHeaders: [["transfer-encoding", "chunked"]], payload: chunked() };
    case "shortLength":
      return { framingHeaders: [["content-length", String(Math.max(0, bytes.length - 3))]], payload: bytes };
    case "longLength":
      return { framingHeaders: [["content-length", String(bytes.length + 10)]], payload: bytes };
    case "brokenChunked":
      return {
        framingHeaders: [["transfer-encoding", "chunked"]],
        payload: Buffer.concat([Buffer.from(`${(bytes.length + 5).toString(16)}\r\n`), bytes]),
      };
    case "lengthAndChunked":
      return {
        framingHeaders: [
          ["content-length", String(bytes.length)],
          ["transfer-encoding", "chunked"],
        ],
        payload: chunked(),
      };
  }
}

/**
 * Whether the request is framed so that exactly one answer follows and the connection stays in
 * step: such requests share one keep-alive connection; the others get a connection of their own.
 */
function fitsKeepAlive(testCase: FuzzCase, bytes: Buffer): boolean {
  const framed =
    testCase.framing === "length" || testCase.framing === "chunked" || (testCase.framing === "none" && testCase.body === undefined);
  const extraFraming = testCase.headers.some(([name]) => ["content-length", "transfer-encoding", "expect"].includes(name.toLowerCase()));
  return framed && !extraFraming && testCase.httpVersion === "1.1" && bytes.length < 16_000 && (testCase.body?.length ?? 0) <= 64 * 1024;
}

// ---------------------------------------------------------------------------------------------
// Reading answers off the wire

interface ParsedResponse {
  status: number;
  headers: Map<string, string[]>;
  body: Buffer;
}

/** Parses one response at the start of `buffer`, or returns `undefined` when it is incomplete. Throws when malformed. */
function parseResponse(buffer: Buffer, headRequest: boolean): { response: ParsedResponse; rest: Buffer } | undefined {
  const end = buffer.indexOf("\r\n\r\n");
  if (end === -1) {
    if (buffer.length > 64 * 1024) throw new Error("response head larger than 64 KiB");
    return undefined;
  }
  const [statusLine, ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*$/.exec(statusLine!);
  if (!match) throw new Error(`malformed status line ${JSON.stringify(statusLine)}`);
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const header = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+): ?(.*)$/.exec(line);
    if (!header) throw new Error(`malformed header line ${JSON.stringify(line)}`);
    const name = header[1]!.toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), header[2]!]);
  }
  const status = Number(match[1]);
  if (headers.has("transfer-encoding")) throw new Error("the emulator answers with Content-Length, not chunked");
  const lengths = headers.get("content-length");
  if (lengths !== undefined && (lengths.length !== 1 || !/^\d+$/.test(lengths[0]!)))
    throw new Error(`bad content-length ${String(lengths)}`);
  const declared = Number(lengths?.[0] ?? 0);
  let length = headRequest || status === 204 || status === 304 || (status >= 100 && status < 200) ? 0 : declared;
  // A request Node could not parse gets its error with a body even when it began with HEAD, on a
  // connection closed right after: the whole rest of the stream is that body.
  const closing = headers.get("connection")?.some((value) => value.toLowerCase() === "close") ?? false;
  if (headRequest && closing && buffer.length - end - 4 === declared) length = declared;
  if (buffer.length < end + 4 + length) return undefined;
  return { response: { status, headers, body: buffer.subarray(end + 4, end + 4 + length) }, rest: buffer.subarray(end + 4 + length) };
}

/** A connection that sends one request at a time and reads its answer. */
class Connection {
  #socket: Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #closed = false;
  #waiter: (() => void) | undefined;

  constructor(private readonly port: number) {}

  /** Sends and reads exactly one final answer; `closed` tells whether the server ended the connection. */
  async exchange(bytes: Buffer, headRequest: boolean): Promise<{ response: ParsedResponse; closed: boolean }> {
    const socket = await this.#open();
    socket.write(bytes);
    for (;;) {
      const parsed = parseResponse(this.#buffer, headRequest);
      if (parsed) {
        this.#buffer = parsed.rest;
        if (parsed.response.status >= 100 && parsed.response.status < 200) continue;
        const closeHeader = parsed.response.headers.get("connection")?.some((value) => value.toLowerCase() === "close") ?? false;
        if (closeHeader || this.#closed) {
          if (this.#buffer.length > 0) throw new Error("bytes after the last answer of a closing connection");
          this.close();
        }
        return { response: parsed.response, closed: closeHeader || this.#closed };
      }
      if (this.#closed) throw new Error(`connection closed ${this.#buffer.length ? "inside" : "without"} an answer`);
      await this.#wait();
    }
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  async #open(): Promise<Socket> {
    if (this.#socket) return this.#socket;
    const socket = connect({ port: this.port, host: "127.0.0.1", noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    this.#buffer = Buffer.alloc(0);
    this.#closed = false;
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    const closed = () => {
      this.#closed = true;
      this.#wake();
    };
    socket.on("close", closed);
    socket.on("end", closed);
    socket.on("error", closed);
    this.#socket = socket;
    return socket;
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  #wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
      this.#waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * Sends on a connection of its own, half-closes it, and reads every answer until the server
 * closes. A request cut short (its body shorter than declared) may get no answer at all.
 */
function exchangeAlone(port: number, bytes: Buffer, headRequest: boolean): Promise<ParsedResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection not closed within ${ANSWER_TIMEOUT_MS} ms`));
    }, ANSWER_TIMEOUT_MS);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // The server may reset a connection whose request it refused while the body was still coming.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        const responses: ParsedResponse[] = [];
        let rest: Buffer = Buffer.concat(chunks);
        while (rest.length > 0) {
          const parsed = parseResponse(rest, headRequest);
          if (!parsed) throw new Error("connection closed inside an answer");
          if (parsed.response.status >= 200) responses.push(parsed.response);
          rest = parsed.rest;
        }
        resolve(responses);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.end(bytes);
  });
}

// ---------------------------------------------------------------------------------------------
// What a good answer is

const STACK_TRACE = /\n\s+at |Error: |file:\/\/|node:internal|\/work\/|\.ts:\d+|\.js:\d+/;

function checkAnswer(response: ParsedResponse): void {
  const text = response.body.toString("utf8");
  if (!EXPECTED_STATUSES.has(response.status)) throw new Error(`unexpected status ${response.status}: ${text}`);
  if (STACK_TRACE.test(text)) throw new Error(`internal detail in the answer: ${text}`);
  if (response.headers.get("ms-cv") === undefined) throw new Error("no ms-cv header");
  if (response.status === 204) {
    if (response.body.length !== 0) throw new Error("a 204 with a body");
    return;
  }
  if (response.body.length === 0) return; // a HEAD request's answer
  if (!response.headers.get("content-type")?.[0]?.startsWith("application/json"))
    throw new Error(`body without a JSON content-type: ${text}`);
  const json: unknown = JSON.parse(text);
  const ok = response.status >= 400 ? isError(json) : isSuccess(response.status, json);
  if (!ok) throw new Error(`answer of the wrong shape for ${response.status}: ${text}`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string" && value !== "";
const isToken = (value: unknown) => isObject(value) && isString(value.token) && isString(value.expiresOn);

function isError(json: unknown): boolean {
  return isObject(json) && isObject(json.error) && isString(json.error.code) && isString(json.error.message);
}

function isSuccess(status: number, json: unknown): boolean {
  if (!isObject(json)) return false;
  if (status === 201)
    return isObject(json.identity) && isString(json.identity.id) && (json.accessToken === undefined || isToken(json.accessToken));
  return isToken(json) || isString(json.id);
}

// ---------------------------------------------------------------------------------------------

let emulator: Emulator;
let pool: string[];
let host: string;

beforeAll(async () => {
  emulator = await startEmulator();
  host = new URL(emulator.endpoint).host;
  pool = [];
  for (let index = 0; index < POOL_SIZE; index += 1)
    pool.push(await createIdentity(emulator, index % 2 ? { customId: `fuzz-${index}` } : {}, PREVIEW));
});
afterAll(async () => {
  await emulator.close();
});

describe("the emulator under generated raw requests", () => {
  it(`answers ${RUNS} generated requests well and keeps serving`, { timeout: 120_000 }, async () => {
    const connection = new Connection(Number(new URL(emulator.endpoint).port));
    const codes = new Map<string, number>();
    let sent = 0;
    const started = performance.now();
    try {
      await fc.assert(
        fc.asyncProperty(fuzzCase, async (testCase) => {
          const bytes = await serialise(testCase, pool, host, emulator.accessKey);
          const headRequest = testCase.method === "HEAD";
          sent += 1;
          const responses = fitsKeepAlive(testCase, bytes)
            ? [(await connection.exchange(bytes, headRequest)).response]
            : await exchangeAlone(Number(new URL(emulator.endpoint).port), bytes, headRequest);
          if (
            responses.length === 0 &&
            testCase.framing !== "longLength" &&
            testCase.framing !== "brokenChunked" &&
            (testCase.body?.length ?? 0) <= 64 * 1024
          ) {
            throw new Error("no answer");
          }
          for (const response of responses) {
            checkAnswer(response);
            const code =
              response.status >= 400
                ? `${response.status} ${JSON.parse(response.body.toString() || "{}")?.error?.code}`
                : String(response.status);
            codes.set(code, (codes.get(code) ?? 0) + 1);
          }
        }),
        { numRuns: RUNS, seed: Number(process.env["FUZZ_SEED"] ?? 20_240_101), endOnFailure: true },
      );
    } finally {
      connection.close();
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: ${sent} requests in ${seconds.toFixed(1)} s; answers ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    // The handlers, not only authentication, were reached.
    for (const code of [
      "200",
      "201",
      "204",
      "400 ValidationError",
      "400 InvalidRequestBody",
      "401 IdentityNotOwned",
      "401 InvalidAccessToken",
      "401 Denied",
      "404 NotFound",
      "405 MethodNotAllowed",
    ]) {
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }

    const created = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} });
    expect(created.status).toBe(201);
    expect(emulator.identity(created.json.identity.id)).toBeDefined();
  });

  it("answers an Expect it cannot meet with the service's JSON error (found by the fuzzer: Node's bare 417 had no body and no ms-cv)", async () => {
    const port = Number(new URL(emulator.endpoint).port);
    const bytes = Buffer.from(
      `POST /identities?api-version=${API} HTTP/1.1\r\nhost: ${host}\r\nexpect: Bearer x\r\ncontent-length: 2\r\n\r\n{}`,
    );
    const [response, ...more] = await exchangeAlone(port, bytes, false);
    expect(more).toEqual([]);
    expect(response!.status).toBe(417);
    expect(response!.headers.get("ms-cv")).toHaveLength(1);
    expect(JSON.parse(response!.body.toString())).toEqual({
      error: { code: "ExpectationFailed", message: "Only Expect: 100-continue is supported." },
    });
  });
});
