// Delete a user: its tokens are revoked and its data deleted; the id can never get a token again.
import { CommunicationIdentityClient, isRestError } from "acs-identity";
import { connect } from "./shared/connection.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);
  const user = await client.createUser();
  console.log(`Created user ${user.communicationUserId}`);

  await client.deleteUser(user);
  console.log("Deleted the user");

  try {
    await client.issueToken(user, ["chat"]);
    throw new Error("The deleted user got a token.");
  } catch (error) {
    // The service answers a deleted (or unknown, or another resource's) user with 401 IdentityNotOwned.
    if (!isRestError(error) || error.statusCode !== 401) throw error;
    console.log(`A token for the deleted user is refused: ${error.statusCode} ${error.code}`);
  }
} finally {
  await connection.close();
}
