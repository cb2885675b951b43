/**
 * The browser half of the token handoff: sign in to the app's own server, then let
 * AutoRefreshingTokenCredential fetch Communication Services tokens from its token route and keep
 * them fresh. The page never holds an access key; it shows 12 characters of the token, never all.
 * The same credential goes to the Chat or Calling SDK: `new ChatClient(endpoint, credential)`.
 */
import { AutoRefreshingTokenCredential, inspectToken, type AbortSignalLike, type TokenInput } from "acs-identity";

function show(id: string, text: string): void {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
}

const field = (id: string): string => (document.getElementById(id) as HTMLInputElement).value;

/** Asks the app's server for a token; the session cookie says who is asking. */
async function fetchToken(abortSignal?: AbortSignalLike): Promise<TokenInput> {
  const response = await fetch("/api/token", { method: "POST", signal: abortSignal as AbortSignal | undefined });
  if (!response.ok) throw new Error(`The token route answered ${response.status}.`);
  // { user, token, expiresOn: "2025-...Z" }: the credential reads it as it comes.
  return (await response.json()) as TokenInput;
}

let credential: AutoRefreshingTokenCredential | undefined;

async function signIn(): Promise<void> {
  show("status", "Signing in…");
  const response = await fetch("/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: field("username"), password: field("password") }),
  });
  if (!response.ok) {
    const { error } = (await response.json()) as { error: string };
    return show("status", `Sign-in failed: ${error}`);
  }
  credential?.dispose();
  credential = new AutoRefreshingTokenCredential({
    tokenRefresher: fetchToken,
    refreshProactively: true,
  });
  const { token, expiresOnTimestamp } = await credential.getToken();
  show("user-id", inspectToken(token).communicationUserId ?? "(opaque token)");
  show("token", `${token.slice(0, 12)}…`);
  show("expires-on", new Date(expiresOnTimestamp).toISOString());
  show("status", "Done.");
}

document.getElementById("sign-in")?.addEventListener("submit", (event) => {
  event.preventDefault();
  signIn().catch((error: unknown) => show("status", `Failed: ${error instanceof Error ? error.message : String(error)}`));
});
