/**
 * SPEC.md's known-answer vectors for the signing policy, shared by the Node.js and browser tests so
 * both pin the same numbers.
 */
export interface SigningVector {
  name: string;
  key: string;
  date: string;
  method: "GET" | "POST" | "DELETE";
  url: string;
  body?: string;
  contentHash: string;
  signature: string;
}

/** SPEC.md's key A and the date its vectors are signed at. */
export const KEY_A = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";
export const JAN_2024 = "Mon, 01 Jan 2024 00:00:00 GMT";
const APR_2022 = "Wed, 13 Apr 2022 18:09:12 GMT";

/** SHA-256 of no bytes, base64: the content hash of a request without a body. */
export const EMPTY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

export const SIGNING_VECTORS: readonly SigningVector[] = [
  {
    name: "A1",
    key: KEY_A,
    date: JAN_2024,
    method: "POST",
    url: "https://contoso.communication.azure.com/identities?api-version=2023-10-01",
    body: '{"createTokenWithScopes":["chat"],"expiresInMinutes":60}',
    contentHash: "kET9vD/6sAVRB6ISkrpOL44L0M1olvugZ/QYxlSQK9k=",
    signature: "+vGcx5Cdhs1aIfuqmGGOoPnDwRlFmbuCPmmB06gJLWc=",
  },
  {
    name: "A2",
    key: KEY_A,
    date: JAN_2024,
    method: "DELETE",
    url: "https://contoso.communication.azure.com/identities/8%3Aacs%3A00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001?api-version=2023-10-01",
    contentHash: EMPTY_HASH,
    signature: "YC5aUurBG3KK4pfLFTCJ3txhKPC3NalFPI19+fJtySM=",
  },
  {
    name: "A3",
    key: KEY_A,
    date: JAN_2024,
    method: "GET",
    url: "https://contoso.communication.azure.com:8443/identities?b=2&a=x%20y&api-version=2025-06-30",
    contentHash: EMPTY_HASH,
    signature: "l5w/U/5hS6Mdna7UHVi0vliQwYWNcyG0Fq0DR4IDlgA=",
  },
  {
    name: "A4",
    key: KEY_A,
    date: JAN_2024,
    method: "POST",
    url: "https://contoso.communication.azure.com/identities/8%3Aacs%3Aabc/:issueAccessToken?api-version=2023-10-01",
    body: '{"scopes":["chat","voip"],"expiresInMinutes":1440}',
    contentHash: "wLUhfsRftTs2iVRGIgRNVQQLXJmPRpJmYuXybUnXM0I=",
    signature: "HGOxAJIXzdS8+YHK2t3b03Hu1tTSvOs5lshOfiasMic=",
  },
  {
    name: "pw== with a query",
    key: "pw==",
    date: APR_2022,
    method: "GET",
    url: "https://example.com/testPath?testQuery=test",
    contentHash: EMPTY_HASH,
    signature: "DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU=",
  },
  {
    name: "pw== without a query",
    key: "pw==",
    date: APR_2022,
    method: "GET",
    url: "https://example.com/testPath",
    contentHash: EMPTY_HASH,
    signature: "+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=",
  },
];

/** The `Authorization` header the policy must send for `signature`. */
export const authorizationFor = (signature: string): string =>
  `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`;
