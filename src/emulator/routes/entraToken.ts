/**
 * The checks on the Microsoft Entra token of a Teams Phone extensibility or Entra ID user exchange
 * (`Authorization: Bearer <token>`): a JWT, not expired, of a user (`tid`, `oid`) signed in to an
 * application (`appid` in v1 tokens, `azp` in v2), for the family's resource (`aud`) with one of
 * its permissions (`scp`). Like the Teams exchange, the emulator reads the claims and does not
 * check Microsoft's signature (ASSUMPTIONS.md). Every failure is the service's one 401
 * InvalidAccessToken; what exactly failed goes to the request log only.
 */
import { decodeJwtPayload } from "../../credentials/jwt.js";
import {
  COMMUNICATION_CLIENTS_SCOPE_PREFIX,
  TEAMS_EXTENSION_SCOPE_PREFIXES,
  type EntraScopeFamily,
} from "../../credentials/entraScopes.js";
import { areGuids } from "../../client/guid.js";
import { invalidToken } from "./teams.js";

/** What an exchange needs of a valid Entra token. Ids are lower-case. */
export interface EntraUser {
  tenantId: string;
  objectId: string;
  /** The application the user signed in to. */
  clientId: string;
  /** The groups the user is in (`groups`), those that are GUIDs. */
  groups: string[];
  /** The family's permissions the token grants, as in `scp`. */
  permissions: string[];
  /** When the token expires, milliseconds since the epoch. */
  expiresAt: number;
}

/** Each family's audiences (its resource, or its application's id) and permissions. */
const FAMILIES: Readonly<Record<EntraScopeFamily, { audiences: readonly string[]; permissions: readonly string[] }>> = {
  teamsExtension: {
    audiences: [...TEAMS_EXTENSION_SCOPE_PREFIXES.map(withoutSlash), "1fd5118e-2576-4263-8130-9503064c837a"],
    permissions: ["TeamsExtension.ManageCalls"],
  },
  entra: {
    audiences: [withoutSlash(COMMUNICATION_CLIENTS_SCOPE_PREFIX), "2a04943b-b6a7-4f65-8786-2bb6131b59f6"],
    permissions: ["Chat", "Chat.Join", "Chat.Join.Limited", "VoIP", "VoIP.Join"],
  },
};

/**
 * Reads and checks the bearer token of an exchange.
 *
 * @param authorization - the `Authorization` header.
 * @param now - milliseconds since the epoch.
 * @throws {@link ServiceError} 401 InvalidAccessToken "Provided access token is not valid.".
 */
export function readEntraUser(authorization: string | undefined, family: EntraScopeFamily, now: number): EntraUser {
  const match = /^Bearer (.+)$/i.exec(authorization ?? "");
  if (match === null) throw invalidToken("No Authorization: Bearer <Microsoft Entra token> header.");
  const claims = decodeJwtPayload(match[1]!.trim());
  if (claims === undefined) throw invalidToken("The bearer token is not a JWT.");
  const { exp, tid, oid, aud, scp, groups } = claims;
  if (typeof exp !== "number" || exp * 1000 <= now) throw invalidToken("The Entra token has no exp claim or has expired.");
  const clientId = claims.azp ?? claims.appid;
  if (!areGuids(tid, oid, clientId)) throw invalidToken("The Entra token's tid, oid and appid (v1) or azp (v2) must be GUIDs.");
  const { audiences, permissions } = FAMILIES[family];
  if (typeof aud !== "string" || !audiences.includes(aud)) {
    throw invalidToken(`The Entra token's audience (aud) ${JSON.stringify(aud)} is not one of ${audiences.join(", ")}.`);
  }
  const granted = typeof scp === "string" ? scp.split(" ").filter((name) => permissions.includes(name)) : [];
  if (granted.length === 0) throw invalidToken(`The Entra token's scp grants none of ${permissions.join(", ")}.`);
  return {
    tenantId: (tid as string).toLowerCase(),
    objectId: (oid as string).toLowerCase(),
    clientId: (clientId as string).toLowerCase(),
    groups: Array.isArray(groups) ? groups.filter((group) => areGuids(group)).map((group: string) => group.toLowerCase()) : [],
    permissions: granted,
    expiresAt: exp * 1000,
  };
}

function withoutSlash(prefix: string): string {
  return prefix.replace(/\/$/, "");
}
