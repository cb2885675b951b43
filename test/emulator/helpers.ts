/**
 * Shared helpers of the emulator's tests: raw signed requests over node:http (so that every byte
 * on the wire is under the test's control) and Teams Entra tokens.
 */
import { createPublicKey, verify, type JsonWebKey } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { createHmacSigner, sha256Base64 } from "#hmac";
import { authorizationHeader, EMPTY_CONTENT_HASH, stringToSign } from "../../src/auth/signing.js";

/** The api-version the official JS client uses. */
export const API = "2023-10-01";
/** The preview version that has customId and GET /identities/{id}. */
export const PREVIEW = "2025-03-02-preview";

/** A response as received. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (`undefined` when empty or text/*, as the dashboard page). */
  json: any;
}

/** What to send. */
export interface RawRequest {
  method: string;
  /** Path and query, e.g. `/identities?api-version=2023-10-01`. */
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string | undefined>;
  /** For an `https:` endpoint: the certificate to trust (the emulator's). */
  ca?: string;
}

/**
 * Sends one request on a fresh connection (no keep-alive, so that no socket outlives the test).
 * Headers whose value is `undefined` are not sent.
 */
export function send(endpoint: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(request.path, endpoint);
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(Object.entries(request.headers ?? {}).filter(([, value]) => value !== undefined)) as Record<
      string,
      string
    >;
    const options = { method: request.method, headers, agent: false, setHost: !("host" in headers) };
    const respond = (res: import("node:http").IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const json = text && !/^text\//.test(res.headers["content-type"] ?? "") ? JSON.parse(text) : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    };
    const req =
      url.protocol === "https:"
        ? // The certificate is checked against the URL's host, not a (test's forged) Host header.
          httpsRequest(url, { ...options, ca: request.ca, servername: "" }, respond)
        : httpRequest(url, options, respond);
    req.on("error", reject);
    req.end(request.body);
  });
}

/** What to sign; every part may be overridden to build a tampered request. */
export interface SigningInput {
  key: string;
  method: string;
  /** The full URL that is signed. */
  url: string;
  body?: string;
  /** `x-ms-date`; now by default. */
  date?: string;
}

/** The three signing headers (plus content-type for a body), as a correct client sends them. */
export async function signedHeaders(input: SigningInput): Promise<Record<string, string>> {
  const date = input.date ?? new Date().toUTCString();
  const contentHash = input.body ? await sha256Base64(input.body) : EMPTY_CONTENT_HASH;
  const signature = await createHmacSigner(input.key)(stringToSign({ method: input.method, url: new URL(input.url), date, contentHash }));
  return {
    "x-ms-date": date,
    "x-ms-content-sha256": contentHash,
    authorization: authorizationHeader(signature),
    ...(input.body ? { "content-type": "application/json" } : {}),
  };
}

/** Where signed requests go; `now` is the clock to sign with when the emulator's is frozen. */
export interface Target {
  endpoint: string;
  accessKey: string;
  /** The emulator's certificate, for an `https:` endpoint. */
  ca?: string;
  now?: () => number;
}

/** Sends a correctly signed request to an emulator. */
export async function signedSend(
  emulator: Target,
  request: { method: string; path: string; body?: unknown; headers?: Record<string, string | undefined> },
): Promise<RawResponse> {
  const body = request.body === undefined ? undefined : typeof request.body === "string" ? request.body : JSON.stringify(request.body);
  const date = new Date(emulator.now?.() ?? Date.now()).toUTCString();
  const headers = await signedHeaders({
    key: emulator.accessKey,
    method: request.method,
    url: new URL(request.path, emulator.endpoint).href,
    date,
    ...(body === undefined ? {} : { body }),
  });
  return send(emulator.endpoint, {
    method: request.method,
    path: request.path,
    ...(body === undefined ? {} : { body }),
    headers: { ...headers, ...request.headers },
    ...(emulator.ca === undefined ? {} : { ca: emulator.ca }),
  });
}

/** The path of an operation on one identity, with the id percent-encoded. */
export function identityPath(id: string, action = "", version = API): string {
  return `/identities/${encodeURIComponent(id)}${action ? `/${action}` : ""}?api-version=${version}`;
}

/** Creates an identity and returns its id. */
export async function createIdentity(emulator: Target, body: unknown = {}, version = API): Promise<string> {
  const response = await signedSend(emulator, { method: "POST", path: `/identities?api-version=${version}`, body });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.json.identity.id as string;
}

/** An unsigned JWT with these claims, like an Entra ID token whose signature nobody checks. */
export function teamsJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT", kid: "test" })}.${part(claims)}.${Buffer.from("not-a-real-signature").toString("base64url")}`;
}

/** Decodes a JWT's header and payload without verifying it. */
export function decodeJwt(token: string): { header: any; payload: any } {
  const [header, payload] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(header!, "base64url").toString()),
    payload: JSON.parse(Buffer.from(payload!, "base64url").toString()),
  };
}

/**
 * Verifies a token as a resource server does: fetches the JWKS document (no credentials), takes
 * the key the token's `kid` names, and checks the RS256 signature.
 */
export async function verifyWithJwks(endpoint: string, token: string): Promise<boolean> {
  const response = await send(endpoint, { method: "GET", path: "/.well-known/jwks.json" });
  const { header } = decodeJwt(token);
  const jwk = (response.json.keys as JsonWebKey[]).find((key) => key.kid === header.kid);
  if (jwk === undefined) return false;
  const [head, payload, signature] = token.split(".");
  return verify(
    "sha256",
    Buffer.from(`${head}.${payload}`),
    createPublicKey({ key: jwk, format: "jwk" }),
    Buffer.from(signature!, "base64url"),
  );
}

/** The stable version with Teams Phone extensibility. */
export const STABLE = "2025-06-30";

/** The ids of the REST specification's Teams Phone extensibility and Entra ID examples. */
export const SPEC_IDS: Readonly<Record<"tenantId" | "objectId" | "otherObjectId" | "clientId", string>> = {
  tenantId: "c70d068c-2f32-484d-9455-73070cd5aadd",
  objectId: "b27b64b9-39d2-44a3-869d-67700b74e805",
  otherObjectId: "fd63f3cb-3731-4d15-8e47-9d062aba58c5",
  clientId: "617d08b5-f35b-4270-87d6-56833d2dee1b",
};

/** A signed request to the emulator `target()` names, with an optional body and extra headers. */
export function signedCaller(target: () => Target) {
  return (method: string, path: string, body?: unknown, headers?: Record<string, string | undefined>) =>
    signedSend(target(), { method, path, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
}

/** What a test compares of an answer: its status and JSON body. */
export function answerOf({ status, json }: RawResponse): { status: number; json: unknown } {
  return { status, json };
}

/** An error answer as {@link answerOf} shows it; `target` only when given. */
export function errorAnswer(status: number, code: string, message: string, target?: string): { status: number; json: unknown } {
  return { status, json: { error: { code, message, ...(target === undefined ? {} : { target }) } } };
}
