/**
 * The token exchange's answers as the service gives them (the REST specification's example
 * shapes), for the exchange server and for browser tests that script it: no Node.js imports here.
 */

/** One scripted answer: status, JSON body, headers; `drop` closes the connection unanswered instead. */
export interface ExchangeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  drop?: boolean;
}

/** The identity ids of the specification's examples: Entra ID user, Teams Phone extensibility user. */
export const ENTRA_USER_ID =
  "8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_wf_c70d068c-2f32-484d-9455-73070cd5aadd_b27b64b9-39d2-44a3-869d-67700b74e805";
export const TEAMS_EXTENSION_USER_ID =
  "8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_c70d068c-2f32-484d-9455-73070cd5aadd_b27b64b9-39d2-44a3-869d-67700b74e805";

/** The service's 200: `{identity:{id}, accessToken:{token, expiresOn}}`; `expiresOn` a string as sent, or a time in ms. */
export function exchanged(token: string, expiresOn: string | number, id = ENTRA_USER_ID): ExchangeReply {
  const when = typeof expiresOn === "number" ? new Date(expiresOn).toISOString() : expiresOn;
  return { status: 200, body: { identity: { id }, accessToken: { token, expiresOn: when } } };
}
