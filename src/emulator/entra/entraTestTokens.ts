/**
 * Test tokens in the shape Microsoft Entra issues them, for the exchanges the emulator models
 * (tests cannot reach Entra). The emulator reads their claims and does not check Microsoft's
 * signature (ASSUMPTIONS.md), so a token from here and one from Entra are treated alike; these are
 * signed all the same (RS256, a key made once per process) so that code which parses JWTs strictly
 * takes them.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { DEFAULT_ENTRA_SCOPES, isStringArray, scopeFamilyOf, type EntraScopeFamily } from "../../credentials/entraScopes.js";
import { isGuid } from "../../client/guid.js";

/** What a test token is for. Ids are GUIDs. */
export interface EntraTestTokenOptions {
  /** The Entra tenant (`tid`). */
  tenantId: string;
  /** The user's object id (`oid`). */
  objectId: string;
  /** The application the user signed in to (`azp` in v2 tokens, `appid` in v1). */
  clientId: string;
  /** The scopes asked for, all of one family. @default ["https://communication.azure.com/clients/.default"] */
  scopes?: readonly string[];
  /** Object ids of the groups the user is in (`groups`). @default none */
  groups?: readonly string[];
  /** Lifetime in minutes, 1 to 1440. @default 60 */
  expiresInMinutes?: number;
  /** The token version: 2 (`azp`, login.microsoftonline.com issuer) or 1 (`appid`, sts.windows.net issuer). @default 2 */
  version?: 1 | 2;
  /** Issue time, milliseconds since the epoch. @default Date.now() */
  now?: number;
}

/** A minted test token. */
export interface EntraTestToken {
  /** The JWT, for `Authorization: Bearer`. */
  token: string;
  /** When it expires (`exp`). */
  expiresOn: Date;
  /** Its claims, as written into the token. */
  claims: Readonly<Record<string, unknown>>;
}

/** What `.default` grants in each family's test tokens: every permission the family has. */
const DEFAULT_PERMISSIONS: Readonly<Record<EntraScopeFamily, string>> = {
  teamsExtension: "TeamsExtension.ManageCalls",
  entra: "Chat Chat.Join Chat.Join.Limited VoIP VoIP.Join",
};

let signingKey: KeyObject | undefined;

/**
 * Mints an Entra-shaped access token: `aud` is the scopes' resource (the scope without its last
 * segment), `scp` their permissions.
 *
 * @throws TypeError or RangeError for ids that are not GUIDs, scopes of no or of both families or
 * of several resources, or a lifetime outside 1 to 1440 minutes.
 */
export function mintEntraTestToken(options: EntraTestTokenOptions): EntraTestToken {
  const { tenantId, objectId, clientId, groups = [], expiresInMinutes = 60, version = 2, now = Date.now() } = options;
  for (const [name, value] of Object.entries({ tenantId, objectId, clientId })) checkGuid(name, value);
  if (!Array.isArray(groups)) throw new TypeError("groups must be an array of group object ids (GUIDs).");
  groups.forEach((group: unknown, index) => checkGuid(`groups[${index}]`, group));
  if (!Number.isInteger(expiresInMinutes) || expiresInMinutes < 1 || expiresInMinutes > 1440) {
    throw new RangeError(`expiresInMinutes must be a whole number from 1 to 1440; got ${String(expiresInMinutes)}.`);
  }
  if (version !== 1 && version !== 2) throw new RangeError(`version must be 1 or 2; got ${String(version)}.`);
  const { audience, permissions } = audienceOf(options.scopes ?? DEFAULT_ENTRA_SCOPES);
  const issuedAt = Math.floor(now / 1000);
  const claims = {
    aud: audience,
    iss: version === 2 ? `https://login.microsoftonline.com/${tenantId}/v2.0` : `https://sts.windows.net/${tenantId}/`,
    iat: issuedAt,
    nbf: issuedAt,
    exp: issuedAt + expiresInMinutes * 60,
    ...(version === 2 ? { azp: clientId } : { appid: clientId }),
    ...(groups.length > 0 ? { groups: groups.slice() } : {}),
    oid: objectId,
    scp: permissions,
    sub: randomUUID(),
    tid: tenantId,
    uti: randomUUID().replace(/-/g, ""),
    ver: `${version}.0`,
  };
  return { token: signed(claims), expiresOn: new Date(claims.exp * 1000), claims };
}

function checkGuid(name: string, value: unknown): void {
  if (typeof value !== "string") throw new TypeError(`${name} must be a GUID string.`);
  if (!isGuid(value)) throw new RangeError(`${name} must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got ${JSON.stringify(value)}.`);
}

function audienceOf(scopes: readonly string[]): { audience: string; permissions: string } {
  if (!isStringArray(scopes) || scopes.length === 0) throw new RangeError("scopes must name at least one scope.");
  const families = new Set(scopes.map((scope) => scopeFamilyOf(scope)));
  if (families.has(undefined) || families.size !== 1) {
    throw new RangeError(`scopes must all be Teams Phone extensibility scopes or all Entra ID user scopes; got ${JSON.stringify(scopes)}.`);
  }
  const resources = new Set(scopes.map((scope) => scope.slice(0, scope.lastIndexOf("/"))));
  if (resources.size !== 1) throw new RangeError(`scopes must be of one resource, as an Entra token is; got ${JSON.stringify(scopes)}.`);
  const family = [...families][0]!;
  const names = scopes.map((scope) => scope.slice(scope.lastIndexOf("/") + 1));
  const permissions = names.flatMap((name) => (name === ".default" ? DEFAULT_PERMISSIONS[family].split(" ") : [name]));
  return { audience: [...resources][0]!, permissions: [...new Set(permissions)].join(" ") };
}

function signed(claims: object): string {
  signingKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const header = { alg: "RS256", typ: "JWT", kid: "acs-identity-emulator-entra-test" };
  const body = `${base64url(header)}.${base64url(claims)}`;
  return `${body}.${sign("sha256", Buffer.from(body), signingKey).toString("base64url")}`;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A minted token as JSON (the admin API's answer and the CLI's `--json`): `expiresOn` in ISO 8601. */
export interface EntraTestTokenJson {
  token: string;
  expiresOn: string;
  claims: Readonly<Record<string, unknown>>;
}

/** {@link EntraTestToken} as JSON. */
export function entraTestTokenJson(minted: EntraTestToken): EntraTestTokenJson {
  return { token: minted.token, expiresOn: minted.expiresOn.toISOString(), claims: minted.claims };
}
