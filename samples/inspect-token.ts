// Read what a token says about itself, locally: scopes, user, expiry (opaque, encrypted tokens say nothing).
import { CommunicationIdentityClient, inspectToken } from "acs-identity";
import { connect } from "./shared/connection.js";
import { preview } from "./shared/redact.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);
  const { user, token, expiresOn } = await client.createUserAndToken(["chat", "voip"], { tokenExpiresInMinutes: 60 });
  console.log(`Issued a chat+voip token ${preview(token)}`);

  // No request and no signature check; never throws.
  const inspection = inspectToken(token);
  if (inspection.decodable) {
    const sameUser = inspection.communicationUserId === user.communicationUserId;
    console.log(
      `Readable: scopes ${inspection.scopes?.join(", ")}; issued to this user: ${sameUser}; expires at ${inspection.expiresOn?.toISOString()}`,
    );
  } else {
    console.log("The token is opaque (encrypted): rely on the expiresOn the service returned.");
  }
  // The service's expiresOn is the truth; the token's own claim agrees to the second.
  console.log(`The service says it expires at ${expiresOn.toISOString()}`);

  await client.deleteUser(user);
} finally {
  await connection.close();
}
