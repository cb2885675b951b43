// A token that keeps itself fresh for the Chat and Calling SDKs: AutoRefreshingTokenCredential over your own token source.
import { AutoRefreshingTokenCredential, CommunicationIdentityClient } from "acs-identity";
import { connect } from "./shared/connection.js";
import { preview } from "./shared/redact.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);
  const user = await client.createUser();
  console.log(`Created user ${user.communicationUserId}`);

  // In a browser app this callback asks your own server for a token (never hold the access key there).
  let refreshes = 0;
  const credential = new AutoRefreshingTokenCredential({
    tokenRefresher: async () => {
      refreshes++;
      return client.issueToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
    },
    refreshProactively: true,
  });

  // Concurrent callers share one refresh; each call checks expiry itself, so a stalled timer never hands out a stale token.
  const tokens = await Promise.all([credential.getToken(), credential.getToken(), credential.getToken()]);
  const same = tokens.every(({ token }) => token === tokens[0].token);
  console.log(`Three concurrent getToken calls made ${refreshes} refresh and got the same token: ${same} (${preview(tokens[0].token)})`);
  console.log(`The token expires at ${new Date(tokens[0].expiresOnTimestamp).toISOString()}`);

  // Stops the background refresh; later getToken calls reject.
  credential.dispose();
  console.log("Disposed the credential");
  await client.deleteUser(user);
} finally {
  await connection.close();
}
