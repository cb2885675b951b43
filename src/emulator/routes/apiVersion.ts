/**
 * The api-versions the emulator accepts, and the features that depend on them.
 */
import { badRequest } from "./errors.js";

/** Every api-version the service accepts, oldest first; sent in `api-supported-versions`. */
export const SUPPORTED_API_VERSIONS = [
  "2021-03-07",
  "2022-06-01",
  "2022-10-01",
  "2023-08-01",
  "2023-10-01",
  "2025-03-02-preview",
  "2025-06-30",
] as const;

/** One of {@link SUPPORTED_API_VERSIONS}. */
export type ApiVersion = (typeof SUPPORTED_API_VERSIONS)[number];

/** The value of the `api-supported-versions` response header. */
export const API_SUPPORTED_VERSIONS_HEADER = SUPPORTED_API_VERSIONS.join(", ");

const supported: ReadonlySet<string> = new Set(SUPPORTED_API_VERSIONS);

/**
 * Reads `api-version` from the query.
 *
 * @throws {@link ServiceError} 400 when it is missing or not supported.
 */
export function apiVersionOf(query: URLSearchParams): ApiVersion {
  const value = query.get("api-version");
  if (!value) {
    throw badRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (!supported.has(value)) {
    throw badRequest(
      "UnsupportedApiVersion",
      `The requested api-version is not supported. Supported versions: ${API_SUPPORTED_VERSIONS_HEADER}.`,
    );
  }
  return value as ApiVersion;
}

/**
 * Refuses an operation on an api-version that does not have it (a supported version that predates
 * it), as the emulator answers `GET /identities/{id}` on old versions.
 *
 * @param what - the operation, e.g. `GET /identities/{id}`.
 * @throws {@link ServiceError} 400 UnsupportedApiVersion naming the versions that have it.
 */
export function requireApiVersion(version: ApiVersion, versions: readonly ApiVersion[], what: string): void {
  if (!versions.includes(version)) throw badRequest("UnsupportedApiVersion", `${what} requires api-version ${versions.join(" or ")}.`);
}

/**
 * Whether a version has `customId` and `GET /identities/{id}`, and which scopes it knows: the client's
 * rules, so that the emulator accepts exactly what the client sends.
 */
export { knownScopesFor, supportsCustomId } from "../../client/apiVersions.js";
