// Microsoft Entra ID authentication: a TokenCredential instead of the access key.
//
// Against a real resource set COMMUNICATION_ENDPOINT (or COMMUNICATION_CONNECTION_STRING, whose key
// is then not used): DefaultAzureCredential finds a credential in the environment, a managed
// identity or `az login`, and needs a role such as "Communication and Email Service Owner" on the
// resource. With neither set, the emulator accepts any bearer token, so a static one stands in.
import { AggregateAuthenticationError, DefaultAzureCredential } from "@azure/identity";
import { CommunicationIdentityClient, type TokenCredential } from "acs-identity";
import { connect } from "./shared/connection.js";
import { preview } from "./shared/redact.js";

/** For the emulator only, which accepts any token when started with `allowBearer: true`. */
const emulatorCredential: TokenCredential = {
  getToken: async () => ({ token: "any-token-will-do-on-the-emulator", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

const endpoint = process.env["COMMUNICATION_ENDPOINT"];
const connection = endpoint ? undefined : await connect({ allowBearer: true });
try {
  const credential = connection?.emulator ? emulatorCredential : new DefaultAzureCredential();
  const client = new CommunicationIdentityClient(endpoint ?? connection!.endpoint, credential);

  const { user, token } = await client.createUserAndToken(["chat"]);
  console.log(`Authenticated with a TokenCredential: created user ${user.communicationUserId}`);
  console.log(`with a chat token ${preview(token)}`);

  await client.deleteUser(user);
} catch (error) {
  if (!(error instanceof AggregateAuthenticationError)) throw error;
  console.error(
    "DefaultAzureCredential found no credential: run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.",
  );
  process.exitCode = 1;
} finally {
  await connection?.close();
}
