// Issue a token with a custom lifetime: a chat token for 2 hours (60 to 1440 minutes; 24 hours when unset).
import { CommunicationIdentityClient } from "acs-identity";
import { connect } from "./shared/connection.js";
import { preview } from "./shared/redact.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);
  const user = await client.createUser();

  const { token, expiresOn } = await client.issueToken(user, ["chat"], { tokenExpiresInMinutes: 120 });
  console.log(`Issued a chat token ${preview(token)} to ${user.communicationUserId}`);
  // The service's expiresOn is the truth: newer tokens are encrypted and cannot be read.
  const minutes = Math.round((expiresOn.getTime() - Date.now()) / 60_000);
  console.log(`It expires at ${expiresOn.toISOString()}, in ${minutes} minutes`);

  await client.deleteUser(user);
} finally {
  await connection.close();
}
