// Custom ids and user details: the same customId always gives the same user; getUser reads it back (api-version 2025-03-02-preview).
import { CommunicationIdentityClient } from "acs-identity";
import { connect } from "./shared/connection.js";

const connection = await connect();
try {
  // Custom ids and getUser exist only in this preview api-version; other versions refuse them before sending.
  const client = new CommunicationIdentityClient(connection.connectionString, { apiVersion: "2025-03-02-preview" });
  const customId = "sample-alice@contoso.com";

  const user = await client.createUser({ customId });
  console.log(`Created user ${user.communicationUserId} for custom id ${customId}`);
  const again = await client.createUserAndToken(["chat"], { customId });
  console.log(`The same custom id gives the same user: ${again.user.communicationUserId === user.communicationUserId}`);

  const details = await client.getUser(user);
  console.log(`getUser: custom id ${details.customId}, last token issued at ${details.lastTokenIssuedAt?.toISOString()}`);

  await client.deleteUser(user);
  console.log("Deleted the user");
} finally {
  await connection.close();
}
