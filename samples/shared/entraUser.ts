// The Microsoft Entra user of the token-exchange samples (teams-phone-extensibility, entra-users).
// On the emulator: a made-up user in one group, whose Entra tokens EntraTestCredential mints (tests
// cannot reach Entra). Against a real resource: the user whose Entra token is in ENTRA_TOKEN (from
// MSAL, for the sample's scopes); the sample reads the tenant, user, application and groups from the
// token's claims, and ENTRA_GROUP_ID names a group when the token lists none.
import { randomUUID } from "node:crypto";
import { isRestError, type EntraCommunicationTokenCredential, type TokenCredential } from "acs-identity";
import type { Connection } from "./connection.js";

/** Who signs in, and where their Entra tokens come from. Ids are GUIDs. */
export interface EntraUser {
  tenantId: string;
  objectId: string;
  /** The Entra application the user signed in to. */
  clientId: string;
  /** Object ids of groups the user is in. */
  groups: string[];
  /** Gets the user's Entra token, as MSAL or `@azure/identity` would. */
  credential: TokenCredential;
}

/** The user, or `undefined` against a real resource without ENTRA_TOKEN. */
export async function entraUser(connection: Connection): Promise<EntraUser | undefined> {
  if (connection.emulator) {
    const { EntraTestCredential } = await import("acs-identity/emulator");
    const user = { tenantId: randomUUID(), objectId: randomUUID(), clientId: randomUUID(), groups: [randomUUID()] };
    return { ...user, credential: new EntraTestCredential(user) };
  }
  const token = process.env["ENTRA_TOKEN"];
  if (!token) return undefined;
  const claims = claimsOf(token);
  const groupId = process.env["ENTRA_GROUP_ID"];
  const expiresOnTimestamp = Number(claims["exp"]) * 1000;
  return {
    tenantId: String(claims["tid"]),
    objectId: String(claims["oid"]),
    clientId: String(claims["azp"] ?? claims["appid"]),
    groups: groupId ? [groupId] : ((claims["groups"] as string[] | undefined) ?? []),
    credential: { getToken: async () => ({ token, expiresOnTimestamp }) },
  };
}

/** The claims of a JWT, unchecked: checking the signature is the service's business. */
function claimsOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
  } catch {
    // Not the parser's message: it may quote the token.
    throw new TypeError("ENTRA_TOKEN is not a JWT: set it to the user's Microsoft Entra access token.");
  }
}

/**
 * On the emulator, whether the tokens an exchanged identity got so far are revoked (the emulator
 * says when); `undefined` against a real resource, which cannot be asked.
 */
export function revokedOnEmulator(connection: Connection, communicationUserId: string): boolean | undefined {
  if (!connection.emulator) return undefined;
  const identity = connection.emulator.identity(communicationUserId);
  return identity?.revokedAt !== undefined && identity.revokedAt >= (identity.lastTokenIssuedAt ?? identity.createdAt);
}

/** How the service refuses an exchange (e.g. `"403 UserNotAssigned"`), or `undefined` when it exchanges. */
export async function refusalOf(credential: EntraCommunicationTokenCredential): Promise<string | undefined> {
  try {
    await credential.getToken();
    return undefined;
  } catch (error) {
    if (!isRestError(error)) throw error;
    return `${error.statusCode} ${error.code}`;
  } finally {
    credential.dispose();
  }
}
