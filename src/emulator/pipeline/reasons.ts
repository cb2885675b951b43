/**
 * Why the emulator refused a request, precisely. The service answers most refusals with a bare
 * `401 Denied`; the emulator keeps the real reason for its request log and dashboard (never for
 * the response). A reason never holds a secret: no key, no full signature, no whole token.
 */
import { faultText } from "./faults.js";
import type { FaultSpec } from "../types.js";

/** Why a request was refused; `kind` names the case, the other fields are its details. */
export type RefusalReason =
  | { kind: "noAuthorization" }
  | { kind: "badAuthorization" }
  | { kind: "bearerRefused" }
  | { kind: "dateMissing" }
  | { kind: "dateSkew"; date: string; minutes: number }
  | { kind: "contentHashMissing" }
  | { kind: "contentHashMismatch"; received: string; computed: string }
  | { kind: "hostMissing" }
  | { kind: "hostInvalid"; host: string }
  | { kind: "hostNotLoopback"; host: string }
  | { kind: "hostMismatch"; signedHost: string; receivedHost: string }
  | { kind: "signatureMismatch"; stringToSign: string; signature: string }
  | { kind: "identityUnknown"; id: string }
  | { kind: "identityDeleted"; id: string; deletedAt: number }
  | { kind: "identityForeign"; id: string }
  /** An identity minted by a Teams Phone extensibility or Entra ID token exchange. */
  | { kind: "identityExchanged"; id: string }
  | { kind: "scopeInvalid"; scope: string; apiVersion: string; valid: readonly string[] }
  | { kind: "fault"; fault: FaultSpec }
  /**
   * The request was over a rate limit: `limit` requests per `windowMs`. A limiter reports it by
   * throwing a ServiceError (429) whose `reason` is this.
   */
  | { kind: "throttled"; limit: number; windowMs: number; retryAfterSeconds?: number }
  | { kind: "error"; code: string; message: string };

/** A reason as the log keeps it: its details and one sentence that says it. */
export type DescribedReason = RefusalReason & { text: string };

/** How many characters of a signature or token are shown, followed by an ellipsis. */
export const SHOWN_PREFIX = 12;

/** The first {@link SHOWN_PREFIX} characters of a secret-bearing value and an ellipsis. */
export function shortened(value: string): string {
  return value.length <= SHOWN_PREFIX ? "…" : `${value.slice(0, SHOWN_PREFIX)}…`;
}

/** The reason with the sentence that explains it to a developer. */
export function describe(reason: RefusalReason): DescribedReason {
  return { ...reason, text: sentence(reason) };
}

function sentence(reason: RefusalReason): string {
  switch (reason.kind) {
    case "noAuthorization":
      return "No Authorization header (or more than one).";
    case "badAuthorization":
      return "The Authorization header is not HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64 SHA-256>.";
    case "bearerRefused":
      return "A bearer token was sent, but the emulator accepts bearer tokens only when started with allowBearer (--allow-bearer), and never an empty one.";
    case "dateMissing":
      return "x-ms-date is missing or not an HTTP date.";
    case "dateSkew":
      return `x-ms-date is ${Math.abs(reason.minutes)} minutes ${reason.minutes > 0 ? "ahead of" : "behind"} the emulator's clock (at most 15 allowed): ${reason.date}.`;
    case "contentHashMissing":
      return "x-ms-content-sha256 is missing.";
    case "contentHashMismatch":
      return `The content hash differs from the body: x-ms-content-sha256 is ${reason.received}, the body received hashes to ${reason.computed || "nothing (it is not UTF-8)"}.`;
    case "hostMissing":
      return "No Host header (or more than one).";
    case "hostInvalid":
      return `The Host header "${reason.host}" is not a host[:port].`;
    case "hostNotLoopback":
      return `A bearer token came with Host ${reason.host}: the emulator takes bearer tokens only for a loopback host (a page whose name was rebound to 127.0.0.1 must not mint tokens).`;
    case "hostMismatch":
      return `The host signed (${reason.signedHost}) differs from the host received (${reason.receivedHost}).`;
    case "signatureMismatch":
      return "The signature does not match: a different access key, or a string to sign other than the one the emulator computed.";
    case "identityUnknown":
      return `Identity ${reason.id} does not exist.`;
    case "identityDeleted":
      return `Identity ${reason.id} was deleted at ${new Date(reason.deletedAt).toISOString()}.`;
    case "identityForeign":
      return `Identity ${reason.id} is not of this resource.`;
    case "identityExchanged":
      return `Identity ${reason.id} was minted by an Entra token exchange: it gets tokens only by exchange, and cannot be issued a token, read, revoked or deleted.`;
    case "scopeInvalid":
      return `Scope "${reason.scope}" is not valid for api-version ${reason.apiVersion} (valid: ${reason.valid.join(", ")}).`;
    case "fault":
      return `Injected fault: ${faultText(reason.fault)}.`;
    case "throttled":
      return `Throttled: more than ${reason.limit} ${reason.limit === 1 ? "request" : "requests"} in ${reason.windowMs / 1000} s${reason.retryAfterSeconds === undefined ? "" : `; retry after ${reason.retryAfterSeconds} s`}.`;
    case "error":
      return `${reason.code}: ${reason.message}`;
  }
}
