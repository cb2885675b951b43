// Handling errors: a wrong key (401 RestError), a bad argument (RangeError before any request), and a throttled call (429, retried).
import { randomBytes } from "node:crypto";
import { CommunicationIdentityClient, isRestError } from "acs-identity";
import { connect } from "./shared/connection.js";

const connection = await connect();
try {
  const client = new CommunicationIdentityClient(connection.connectionString);

  // 1. A wrong key: the service refuses the signature. Service failures are RestErrors.
  const wrongKey = new CommunicationIdentityClient(`endpoint=${connection.endpoint};accesskey=${randomBytes(64).toString("base64")}`);
  try {
    await wrongKey.createUser();
  } catch (error) {
    if (!isRestError(error)) throw error;
    console.log(`Wrong key: ${error.name} ${error.statusCode} ${error.code}`);
  }

  // 2. A bad argument: checked locally, so nothing is sent. Tokens live 60 to 1440 minutes.
  try {
    await client.issueToken("8:acs:never-sent", ["chat"], { tokenExpiresInMinutes: 30 });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    console.log(`Bad argument: ${error.name}: ${error.message}`);
  }

  // 3. Throttling: the client waits what Retry-After asks and tries again. Only the emulator can
  // be told to throttle on demand.
  if (connection.emulator) {
    connection.emulator.faults.add({ status: 429, retryAfterSeconds: 1, count: 1, operation: "createUser" });
    const started = Date.now();
    const user = await client.createUser();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `Throttled: the first attempt got 429 with Retry-After: 1; the retry created ${user.communicationUserId} after ${seconds} s`,
    );
    await client.deleteUser(user);
  } else {
    console.log("Throttled: skipped (only the emulator throttles on demand)");
  }
} finally {
  await connection.close();
}
