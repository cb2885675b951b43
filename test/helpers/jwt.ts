/** Builds unsigned JWTs for tests: the library reads claims and never checks signatures. */
const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function jwt(claims: Record<string, unknown>, header: unknown = { alg: "RS256", typ: "JWT", kid: "k" }): string {
  return `${part(header)}.${part(claims)}.${Buffer.from("signature").toString("base64url")}`;
}

/** Seconds since the epoch, as `exp` and `iat` hold them. */
export const seconds = (date: Date | number): number => Math.floor(new Date(date).getTime() / 1000);
