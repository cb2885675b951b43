// Revoke tokens: every token issued to a user so far stops working; the user stays and can get new ones.
import { CommunicationIdentityClient } from "acs-identity";
import { connect } from "./shared/connection.js";
import { preview } from "./shared/redact.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);
  const { user, token } = await client.createUserAndToken(["voip"]);
  console.log(`Created user ${user.communicationUserId} with a voip token ${preview(token)}`);

  await client.revokeTokens(user);
  console.log("Revoked every token issued to the user so far");

  const fresh = await client.issueToken(user, ["voip"]);
  console.log(`The user still exists: issued a new voip token ${preview(fresh.token)}`);

  await client.deleteUser(user);
} finally {
  await connection.close();
}
