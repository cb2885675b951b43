// Quickstart: create a user, issue it a chat+voip token for 60 minutes, revoke the tokens, delete the user.
import { CommunicationIdentityClient } from "acs-identity";
import { connect } from "./shared/connection.js";
import { preview } from "./shared/redact.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);

  const user = await client.createUser();
  console.log(`Created user ${user.communicationUserId}`);

  const { token, expiresOn } = await client.issueToken(user, ["chat", "voip"], { tokenExpiresInMinutes: 60 });
  console.log(`Issued a chat+voip token ${preview(token)} that expires at ${expiresOn.toISOString()}`);

  await client.revokeTokens(user);
  console.log("Revoked the user's tokens");

  await client.deleteUser(user);
  console.log("Deleted the user");
} finally {
  await connection.close();
}
