// Create a user: a new Communication Services identity, with no token yet.
import { CommunicationIdentityClient } from "acs-identity";
import { connect } from "./shared/connection.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);

  const user = await client.createUser();
  console.log(`Created user ${user.communicationUserId}`);

  // Only to leave the resource as it was; keep the id in your own user store instead.
  await client.deleteUser(user);
  console.log("Deleted the user again");
} finally {
  await connection.close();
}
