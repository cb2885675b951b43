/** Builds unsigned JWTs for tests: the library reads claims and never checks signatures. */
const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function jwt(claims: Record<string, unknown>, header: unknown = { alg: "RS256", typ: "JWT", kid: "k" }): string {
  return `${part(header)}.${part(claims)}.${Buffer.from("signature").toString("base64url")}`;
}

/** Seconds since the epoch, as `exp` and `iat` hold them. */
export const seconds = (date: Date | number): number => Math.floor(new Date(date).getTime() / 1000);

/** The Teams exchange's application and user object ids: GUIDs, as the service requires. */
export const TEAMS_APP_ID = "aaaaaaaa-0000-4000-8000-000000000001";
export const TEAMS_USER_OBJECT_ID = "bbbbbbbb-0000-4000-8000-000000000002";

/** A Teams user's Entra token for {@link TEAMS_APP_ID} and {@link TEAMS_USER_OBJECT_ID}, valid for an hour. */
export function teamsUserToken(): string {
  return jwt({ appid: TEAMS_APP_ID, oid: TEAMS_USER_OBJECT_ID, exp: seconds(Date.now()) + 3600 });
}
