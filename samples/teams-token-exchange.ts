// Teams token exchange: turn a Teams user's Microsoft Entra ID token into a Communication Services token.
//
// Against a real resource set TEAMS_USER_AAD_TOKEN (the user's Entra token, e.g. from MSAL with the
// scopes https://auth.msft.communication.azure.com/Teams.ManageCalls and .../Teams.ManageChats),
// TEAMS_CLIENT_ID (the Entra application's id) and TEAMS_USER_OBJECT_ID (the user's object id).
// On the emulator the sample makes up an unsigned token: the emulator reads its claims but cannot
// check Microsoft's signature.
import { randomUUID } from "node:crypto";
import { CommunicationIdentityClient, type GetTokenForTeamsUserOptions } from "acs-identity";
import { connect } from "./shared/connection.js";
import { preview } from "./shared/redact.js";

/** An Entra-like JWT for the emulator only: the claims the exchange checks, and no signature. */
function demoTeamsUser(): GetTokenForTeamsUserOptions {
  const clientId = randomUUID();
  const userObjectId = randomUUID();
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");
  const claims = { aud: "https://communication.azure.com", appid: clientId, oid: userObjectId, exp: Math.floor(Date.now() / 1000) + 3600 };
  const teamsUserAadToken = `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.${encode({ unsigned: true })}`;
  return { teamsUserAadToken, clientId, userObjectId };
}

function teamsUserFromEnvironment(): GetTokenForTeamsUserOptions | undefined {
  const { TEAMS_USER_AAD_TOKEN, TEAMS_CLIENT_ID, TEAMS_USER_OBJECT_ID } = process.env;
  if (!TEAMS_USER_AAD_TOKEN || !TEAMS_CLIENT_ID || !TEAMS_USER_OBJECT_ID) return undefined;
  return { teamsUserAadToken: TEAMS_USER_AAD_TOKEN, clientId: TEAMS_CLIENT_ID, userObjectId: TEAMS_USER_OBJECT_ID };
}

const connection = await connect();
try {
  const teamsUser = connection.emulator ? demoTeamsUser() : teamsUserFromEnvironment();
  if (teamsUser === undefined) {
    console.error("Set TEAMS_USER_AAD_TOKEN, TEAMS_CLIENT_ID and TEAMS_USER_OBJECT_ID to exchange a Teams user's token.");
    process.exitCode = 2;
  } else {
    const client = new CommunicationIdentityClient(connection.connectionString);
    const { token, expiresOn } = await client.getTokenForTeamsUser(teamsUser);
    console.log(`Exchanged the Teams user's Entra token for ${preview(token)}`);
    console.log(`It expires at ${expiresOn.toISOString()}, with the Entra token`);
  }
} finally {
  await connection.close();
}
