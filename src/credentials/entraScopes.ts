/**
 * The two families of Microsoft Entra scopes that can be exchanged for a Communication Services
 * token, and where each is exchanged: one table, read by the exchanging credential, the CLI and the
 * emulator. The prefixes, paths and api-versions are those of @azure/communication-common 2.5.0
 * and the REST specification.
 */

/** Which exchange a set of Entra scopes belongs to. */
export type EntraScopeFamily = "teamsExtension" | "entra";

/** Where and how a family's Entra token is exchanged. */
export interface EntraExchangeTarget {
  /** The family. */
  family: EntraScopeFamily;
  /** The path after the resource endpoint. */
  path: string;
  /** The api-version the exchange is sent with. */
  apiVersion: string;
}

/** Teams Phone extensibility: the "Azure Communication Services" application, public and US government clouds. */
export const TEAMS_EXTENSION_SCOPE_PREFIXES: readonly string[] = [
  "https://auth.msft.communication.azure.com/",
  "https://auth.msft.communication.azure.us/",
];

/** Microsoft Entra ID users: the "Azure Communication Services Clients" application. */
export const COMMUNICATION_CLIENTS_SCOPE_PREFIX = "https://communication.azure.com/clients/";

/** The scopes asked of Entra when none are given, as in @azure/communication-common. */
// Spelt out: esbuild keeps a top-level template literal in every browser bundle of the package, used or not.
export const DEFAULT_ENTRA_SCOPES: readonly string[] = ["https://communication.azure.com/clients/.default"];

const TARGETS: Readonly<Record<EntraScopeFamily, EntraExchangeTarget>> = {
  teamsExtension: { family: "teamsExtension", path: "/access/teamsExtension/:exchangeAccessToken", apiVersion: "2025-06-30" },
  entra: { family: "entra", path: "/access/entra/:exchangeAccessToken", apiVersion: "2025-03-02-preview" },
};

/**
 * The table's own target for a target given by a caller: refused unless it is one of the table's,
 * since its path is joined to the endpoint and the user's Entra token travels there.
 *
 * @throws TypeError when `target` is not an object; RangeError when its family is unknown or its
 * path or api-version differ from the family's.
 */
export function knownExchangeTarget(target: EntraExchangeTarget): EntraExchangeTarget {
  if (typeof target !== "object" || target === null)
    throw new TypeError("The exchange target must be an object of exchangeTargetFor(scopes).");
  const known = Object.hasOwn(TARGETS, target.family) ? TARGETS[target.family] : undefined;
  if (!known || target.path !== known.path || target.apiVersion !== known.apiVersion) {
    throw new RangeError(
      `Not an exchange target: ${JSON.stringify({ family: target.family, path: target.path, apiVersion: target.apiVersion })}. ` +
        `Give the one exchangeTargetFor(scopes) returns, or the scopes themselves.`,
    );
  }
  return known;
}

/** The family of one scope, or `undefined` when it belongs to neither. */
export function scopeFamilyOf(scope: string): EntraScopeFamily | undefined {
  if (TEAMS_EXTENSION_SCOPE_PREFIXES.some((prefix) => scope.startsWith(prefix))) return "teamsExtension";
  if (scope.startsWith(COMMUNICATION_CLIENTS_SCOPE_PREFIX)) return "entra";
  return undefined;
}

/** Whether a value is an array of strings (`Array.isArray` alone would widen it to `any[]`). */
export function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/**
 * Where scopes are exchanged: every scope must belong to the same family.
 *
 * @throws TypeError when `scopes` is not an array of strings; RangeError when it is empty, names a
 * scope of neither family, or mixes the two (each with what to ask for instead).
 */
export function exchangeTargetFor(scopes: readonly string[]): EntraExchangeTarget {
  if (!isStringArray(scopes)) {
    throw new TypeError("scopes must be an array of Microsoft Entra scope strings.");
  }
  const families = new Set(scopes.map((scope) => scopeFamilyOf(scope)));
  const known = `scopes starting with ${TEAMS_EXTENSION_SCOPE_PREFIXES.join(" or ")} (Teams Phone extensibility), or with ${COMMUNICATION_CLIENTS_SCOPE_PREFIX} (Microsoft Entra ID users)`;
  if (scopes.length === 0) throw new RangeError(`scopes is empty: give ${known}.`);
  if (families.has(undefined)) {
    const unknown = scopes.filter((scope) => scopeFamilyOf(scope) === undefined);
    throw new RangeError(`Not a Communication Services scope: ${JSON.stringify(unknown)}. Give ${known}.`);
  }
  if (families.size > 1) throw new RangeError(`scopes mixes the two families; one token is for one of them: give ${known}.`);
  return TARGETS[[...families][0]!];
}
