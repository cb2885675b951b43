// Teams Phone extensibility: assign a Teams user, exchange their Entra token, remove the assignment.
//
// An administrator assigns the user (a resource account would be principalType "resourceAccount")
// to the resource for one Entra application (api-version 2025-06-30); the user's app then exchanges
// the user's Entra token for a Communication Services token. Removing the assignment refuses the
// next exchange and revokes the tokens exchanged before.
// Against a real resource set ENTRA_TOKEN to the user's Entra token for the scope below (e.g. from
// MSAL): the sample assigns the user and application it names. See shared/entraUser.ts.
import { CommunicationIdentityClient, EntraCommunicationTokenCredential, inspectToken } from "acs-identity";
import { connect } from "./shared/connection.js";
import { entraUser, refusalOf, revokedOnEmulator } from "./shared/entraUser.js";
import { preview } from "./shared/redact.js";

const SCOPES = ["https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"];

const connection = await connect();
try {
  const user = await entraUser(connection);
  if (user === undefined) {
    console.error(`Set ENTRA_TOKEN to a Teams user's Microsoft Entra token for ${SCOPES[0]} to run this sample against a real resource.`);
    process.exitCode = 2;
  } else {
    const { tenantId, objectId, clientId, credential: tokenCredential } = user;
    const admin = new CommunicationIdentityClient(connection.connectionString, { apiVersion: "2025-06-30" });
    await admin.setTeamsExtensionAssignment(tenantId, objectId, { principalType: "user", clientIds: [clientId] });
    console.log(`Assigned Teams user ${objectId} of tenant ${tenantId}, for application ${clientId}`);
    const assignment = await admin.getTeamsExtensionAssignment(tenantId, objectId);
    console.log(`Read it back: principalType ${assignment.principalType}, clientIds ${assignment.clientIds?.join(", ")}`);

    // The user's app: the Calling SDK would take this credential (createTeamsCallAgent).
    const signIn = () => new EntraCommunicationTokenCredential({ resourceEndpoint: connection.endpoint, tokenCredential, scopes: SCOPES });
    const credential = signIn();
    const { token, expiresOnTimestamp } = await credential.getToken();
    credential.dispose();
    const { communicationUserId } = inspectToken(token);
    console.log(`The user's app exchanged their Entra token for ${preview(token)}`);
    console.log(`Identity ${communicationUserId}, expires at ${new Date(expiresOnTimestamp).toISOString()}`);

    await admin.deleteTeamsExtensionAssignment(tenantId, objectId);
    console.log("Removed the assignment");
    // A new sign-in: the first credential would hand out the token it has until that expires.
    const refusal = await refusalOf(signIn());
    console.log(refusal ? `The next exchange is refused: ${refusal}` : "The next exchange was not refused");
    const revoked = revokedOnEmulator(connection, communicationUserId!);
    if (revoked !== undefined) console.log(`The token exchanged before is revoked: ${revoked}`);
  }
} finally {
  await connection.close();
}
