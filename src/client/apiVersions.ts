/**
 * What each REST api-version offers, in one place for the client's checks, the command line and
 * the emulator, so that they agree.
 *
 * @internal
 */
/**
 * The api-versions of each feature that only some versions have; messages suggest the first.
 */
export const FEATURE_API_VERSIONS: Readonly<Record<"customId" | "teamsExtension" | "entra", readonly string[]>> = {
  /**
   * `customId` and `GET /identities/{id}`: the preview that introduced them, and 2025-06-30, whose
   * published REST specification had them (with a `GetIdentity` example) before later revisions
   * of the same file dropped them.
   */
  customId: ["2025-03-02-preview", "2025-06-30"],
  /** Teams Phone extensibility (token exchange and assignments): stable since 2025-06-30. */
  teamsExtension: ["2025-06-30", "2025-03-02-preview"],
  /** Microsoft Entra ID users (token exchange and assignments): only this preview. */
  entra: ["2025-03-02-preview"],
};

/** {@link FEATURE_API_VERSIONS}`.customId`. */
export const CUSTOM_ID_API_VERSIONS: readonly string[] = FEATURE_API_VERSIONS.customId;

/** The first api-version with the `chat.join`, `chat.join.limited` and `voip.join` scopes. */
export const JOIN_SCOPES_SINCE = "2023-10-01";

// Literals rather than KnownTokenScope's values, so that bundles of the client alone leave that constant out.
const BASE_SCOPES: readonly string[] = ["chat", "voip"];
const ALL_SCOPES: readonly string[] = [...BASE_SCOPES, "chat.join", "chat.join.limited", "voip.join"];

/** Whether `customId` and `GET /identities/{id}` exist in this api-version. */
export function supportsCustomId(apiVersion: string): boolean {
  return CUSTOM_ID_API_VERSIONS.includes(apiVersion);
}

/** Whether the join scopes exist in this api-version (dates compare as strings). */
export function supportsJoinScopes(apiVersion: string): boolean {
  return apiVersion >= JOIN_SCOPES_SINCE;
}

/** The scopes this api-version knows. */
export function knownScopesFor(apiVersion: string): readonly string[] {
  return supportsJoinScopes(apiVersion) ? ALL_SCOPES : BASE_SCOPES;
}
