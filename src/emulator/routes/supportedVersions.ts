/**
 * The `api-supported-versions` response header, with the values the real service sends
 * (Microsoft's SDK recordings of April 2025, see test/conformance). The service lists versions per
 * path family, and they are not the versions the emulator accepts (see `apiVersion.ts`): the
 * header is what a client would read from Azure, so the emulator sends Azure's text.
 */
import type { Operation } from "../types.js";

const IDENTITIES =
  "2020-07-20-preview2, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview";

/** The recorded header values: `/identities...`, `:issueAccessToken` (one more preview), `/teamsUser...`. */
export const RECORDED_SUPPORTED_VERSIONS = {
  identities: IDENTITIES,
  issueAccessToken: `${IDENTITIES}, 2025-03-31-preview`,
  teamsUser: "2021-10-31-preview, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview",
} as const;

/**
 * The header value for an operation's path family. Answers that match no route (404, or a
 * request Node cannot parse) get the `/identities` value: what the service sends there is not
 * recorded (see ASSUMPTIONS.md).
 */
export function supportedVersionsOf(operation: Operation | undefined): string {
  if (operation === "issueToken") return RECORDED_SUPPORTED_VERSIONS.issueAccessToken;
  if (operation === "exchangeTeamsToken") return RECORDED_SUPPORTED_VERSIONS.teamsUser;
  return RECORDED_SUPPORTED_VERSIONS.identities;
}
