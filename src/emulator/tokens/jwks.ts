/**
 * The emulator's token signing keys as a JWKS document (RFC 7517) at `/.well-known/jwks.json`,
 * served without authentication, so that a test can verify issued tokens the way a resource
 * server does: fetch the keys, pick the one the token's `kid` names, check the RS256 signature.
 */
import type { JsonWebKey } from "node:crypto";
import { jsonReply, type Reply } from "../routes/reply.js";

/** Where the JWKS document is served. */
export const JWKS_PATH = "/.well-known/jwks.json";

/** A JWKS document. */
export interface Jwks {
  /** The public keys. */
  keys: JsonWebKey[];
}

/** The answer to `GET /.well-known/jwks.json`. */
export function jwksReply(jwks: Jwks): Reply {
  return jsonReply(200, jwks, { "cache-control": "public, max-age=3600" });
}
