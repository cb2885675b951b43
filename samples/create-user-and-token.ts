// Create a user and a token in one request: a chat+voip token for 24 hours, the default lifetime.
import { CommunicationIdentityClient } from "acs-identity";
import { connect } from "./shared/connection.js";
import { preview } from "./shared/redact.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);

  const { user, token, expiresOn } = await client.createUserAndToken(["chat", "voip"]);
  console.log(`Created user ${user.communicationUserId}`);
  console.log(`with a chat+voip token ${preview(token)} that expires at ${expiresOn.toISOString()}`);

  await client.deleteUser(user);
} finally {
  await connection.close();
}
