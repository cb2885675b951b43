/**
 * Reading and checking request bodies, with the service's 400 answers for bad input.
 */
import { knownScopesFor, supportsCustomId, type ApiVersion } from "./apiVersion.js";
import { badRequest } from "./errors.js";

/** The default token lifetime, and its bounds (api-version 2022-10-01 and later). */
export const TOKEN_MINUTES = { default: 1440, min: 60, max: 1440 } as const;

const MAX_CUSTOM_ID_LENGTH = 256;

/** A request body that is a JSON object, as a plain record. */
export type JsonObject = Record<string, unknown>;

/**
 * Parses a body that must be a JSON object; an empty body is `{}`.
 *
 * @throws {@link ServiceError} 400 for malformed JSON or a value that is not an object.
 */
export function parseJsonObject(body: Buffer): JsonObject {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("InvalidRequestBody", "The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("InvalidRequestBody", "The request body must be a JSON object.");
  }
  return value as JsonObject;
}

/** What `POST /identities` asks for. */
export interface CreateRequest {
  /** Scopes of the token to issue with the identity; none when empty. */
  scopes: string[];
  /** Lifetime of that token. */
  expiresInMinutes: number;
  /** The caller's key for the identity. */
  customId?: string;
}

/** Checks the body of `POST /identities`. @throws {@link ServiceError} 400. */
export function readCreateRequest(body: JsonObject, version: ApiVersion): CreateRequest {
  const scopes =
    body.createTokenWithScopes === undefined || body.createTokenWithScopes === null
      ? []
      : readScopes(body.createTokenWithScopes, version, true);
  const request: CreateRequest = { scopes, expiresInMinutes: readExpiresInMinutes(body.expiresInMinutes) };
  if (body.customId !== undefined && body.customId !== null) request.customId = readCustomId(body.customId, version);
  return request;
}

/** What `:issueAccessToken` asks for. */
export interface IssueRequest {
  /** At least one scope. */
  scopes: string[];
  /** The token's lifetime. */
  expiresInMinutes: number;
}

/** Checks the body of `:issueAccessToken`. @throws {@link ServiceError} 400. */
export function readIssueRequest(body: JsonObject, version: ApiVersion): IssueRequest {
  return { scopes: readScopes(body.scopes, version, false), expiresInMinutes: readExpiresInMinutes(body.expiresInMinutes) };
}

function readScopes(value: unknown, version: ApiVersion, mayBeEmpty: boolean): string[] {
  if (!Array.isArray(value) || (value.length === 0 && !mayBeEmpty)) {
    throw badRequest("ValidationError", "Invalid scopes - Scopes field is required.", "scopes");
  }
  const known = knownScopesFor(version);
  for (const scope of value) {
    // The service's answer to an unknown scope is not recorded (ASSUMPTIONS.md): same code and target.
    if (typeof scope !== "string" || !known.includes(scope)) {
      const reason = { kind: "scopeInvalid", scope: String(scope), apiVersion: version, valid: known } as const;
      throw badRequest("ValidationError", `Invalid scopes - each scope must be one of: ${known.join(", ")}.`, "scopes", reason);
    }
  }
  return [...new Set(value as string[])];
}

/**
 * The lifetime asked for. Out of range, the service names the value sent and the interval
 * (recorded for 59 and 1441); a value that is not an integer gets the same answer (ASSUMPTIONS.md).
 */
function readExpiresInMinutes(value: unknown): number {
  if (value === undefined || value === null) return TOKEN_MINUTES.default;
  if (typeof value !== "number" || !Number.isInteger(value) || value < TOKEN_MINUTES.min || value > TOKEN_MINUTES.max) {
    throw badRequest(
      "ValidationError",
      `ExpiresInMinutes value ${typeof value === "number" ? value : `of type ${typeof value}`} is invalid. Value must be within the [${TOKEN_MINUTES.min}, ${TOKEN_MINUTES.max}] interval.`,
      "ExpiresInMinutes",
    );
  }
  return value;
}

function readCustomId(value: unknown, version: ApiVersion): string {
  if (!supportsCustomId(version)) {
    throw badRequest("ValidationError", "customId requires api-version 2025-03-02-preview or 2025-06-30.");
  }
  if (typeof value !== "string" || value.length < 1 || value.length > MAX_CUSTOM_ID_LENGTH) {
    throw badRequest("ValidationError", `Invalid customId - it must be a string of 1 to ${MAX_CUSTOM_ID_LENGTH} characters.`);
  }
  return value;
}
