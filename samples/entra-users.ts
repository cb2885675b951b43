// Microsoft Entra ID users: assign a group, a tenant and a user at once, exchange a group member's token.
//
// An administrator assigns, in one merge patch (api-version 2025-03-02-preview), a group, a whole
// partner tenant and one user, each for one Entra application, and lists the assignments. A member
// of the group (and nothing else assigned) exchanges their Entra token for a Communication Services
// token with the token's scopes; removing the group's assignment (null) refuses the next exchange.
// Against a real resource set ENTRA_TOKEN to a group member's Entra token for the scopes below (e.g.
// from MSAL) and, unless its groups claim names the group, ENTRA_GROUP_ID. See shared/entraUser.ts.
import { randomUUID } from "node:crypto";
import { CommunicationIdentityClient, EntraCommunicationTokenCredential, inspectToken } from "acs-identity";
import { connect } from "./shared/connection.js";
import { entraUser, refusalOf, revokedOnEmulator } from "./shared/entraUser.js";
import { preview } from "./shared/redact.js";

const SCOPES = ["https://communication.azure.com/clients/VoIP", "https://communication.azure.com/clients/Chat"];

const connection = await connect();
try {
  const user = await entraUser(connection);
  const groupId = user?.groups[0];
  if (user === undefined || groupId === undefined) {
    console.error(`Set ENTRA_TOKEN to a group member's Microsoft Entra token for ${SCOPES.join(" ")}, and ENTRA_GROUP_ID to the group.`);
    process.exitCode = 2;
  } else {
    const { tenantId, clientId, credential: tokenCredential } = user;
    // Made up for the sample: another user of the tenant, and a partner tenant (then its id is the objectId).
    const otherUserId = randomUUID();
    const partnerTenantId = randomUUID();
    const admin = new CommunicationIdentityClient(connection.connectionString, { apiVersion: "2025-03-02-preview" });
    const assigned = await admin.updateEntraAssignments({
      [groupId]: { tenantId, principalType: "group", clientIds: [clientId] },
      [partnerTenantId]: { tenantId: partnerTenantId, principalType: "tenant", clientIds: [clientId] },
      [otherUserId]: { tenantId, principalType: "user", clientIds: [clientId] },
    });
    console.log(`Assigned in one update: ${assigned.map((assignment) => assignment.principalType).join(", ")}`);
    const listed: string[] = [];
    for await (const { principalType } of admin.listEntraAssignments()) listed.push(principalType);
    console.log(`Listed ${listed.length} assignments: ${listed.sort().join(", ")}`);

    // The member's app: the Chat and Calling SDKs would take this credential.
    const signIn = () => new EntraCommunicationTokenCredential({ resourceEndpoint: connection.endpoint, tokenCredential, scopes: SCOPES });
    const credential = signIn();
    const { token, expiresOnTimestamp } = await credential.getToken();
    credential.dispose();
    const { communicationUserId, scopes } = inspectToken(token);
    console.log(`A member of the group exchanged their Entra token for ${preview(token)}`);
    console.log(`Identity ${communicationUserId}, scopes ${scopes?.join(", ")}, expires at ${new Date(expiresOnTimestamp).toISOString()}`);

    await admin.updateEntraAssignments({ [groupId]: null });
    console.log("Removed the group's assignment (null in a merge patch)");
    const refusal = await refusalOf(signIn());
    console.log(refusal ? `The member's next exchange is refused: ${refusal}` : "The member's next exchange was not refused");
    const revoked = revokedOnEmulator(connection, communicationUserId!);
    if (revoked !== undefined) console.log(`The token exchanged before is revoked: ${revoked}`);

    await admin.updateEntraAssignments({ [partnerTenantId]: null, [otherUserId]: null });
    console.log("Removed the tenant's and the other user's assignments");
  }
} finally {
  await connection.close();
}
