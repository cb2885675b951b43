/** The issued tokens the dashboard shows: shortened, claims decoded, bounded, no signature kept. */
import { describe, expect, it } from "vitest";
import { IDENTITIES_WITH_TOKENS, IssuedTokens, TOKENS_PER_IDENTITY } from "../../src/emulator/tokens/issuedTokens.js";
import { teamsJwt } from "./helpers.js";

const issued = (id: string, n: number) => {
  const token = teamsJwt({ n, skypeid: id });
  return {
    token,
    outcome: {
      reply: { status: 200, body: JSON.stringify({ token, expiresOn: `2026-03-01T12:${String(n % 60).padStart(2, "0")}:00+00:00` }) },
      operation: "issueToken" as const,
      id,
    },
  };
};

describe("IssuedTokens", () => {
  it("keeps the first 12 characters and the decoded claims of an issued token, newest first", () => {
    const tokens = new IssuedTokens();
    const first = issued("8:acs:r_1", 1);
    const second = issued("8:acs:r_1", 2);
    tokens.observe(first.outcome);
    tokens.observe(second.outcome);
    expect(tokens.of("8:acs:r_1")).toStrictEqual([
      { token: `${second.token.slice(0, 12)}…`, expiresOn: "2026-03-01T12:02:00+00:00", claims: { n: 2, skypeid: "8:acs:r_1" } },
      { token: `${first.token.slice(0, 12)}…`, expiresOn: "2026-03-01T12:01:00+00:00", claims: { n: 1, skypeid: "8:acs:r_1" } },
    ]);
    expect(tokens.of("8:acs:r_2")).toStrictEqual([]);
  });

  it("keeps the token of a create with a token, and nothing of a failure or another operation", () => {
    const tokens = new IssuedTokens();
    const { token } = issued("8:acs:r_1", 1);
    const body = JSON.stringify({ identity: { id: "8:acs:r_9" }, accessToken: { token, expiresOn: "2026-03-01T13:00:00+00:00" } });
    tokens.observe({ reply: { status: 201, body }, operation: "createUser" });
    tokens.observe({ reply: { status: 401, body: '{"token":"x","expiresOn":"y"}' }, operation: "issueToken", id: "8:acs:r_9" });
    tokens.observe({ reply: { status: 200, body: '{"token":"x","expiresOn":"y"}' }, operation: "exchangeTeamsToken" });
    expect(tokens.of("8:acs:r_9").map((kept) => kept.expiresOn)).toStrictEqual(["2026-03-01T13:00:00+00:00"]);
  });

  it(`keeps ${TOKENS_PER_IDENTITY} tokens per identity, for the last ${IDENTITIES_WITH_TOKENS} identities`, () => {
    const tokens = new IssuedTokens();
    for (let n = 1; n <= TOKENS_PER_IDENTITY + 2; n++) tokens.observe(issued("8:acs:r_first", n).outcome);
    expect(tokens.of("8:acs:r_first").map((kept) => kept.claims["n"])).toStrictEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    for (let i = 0; i < IDENTITIES_WITH_TOKENS - 1; i++) tokens.observe(issued(`8:acs:r_${i}`, 1).outcome);
    tokens.observe(issued("8:acs:r_first", 13).outcome);
    tokens.observe(issued("8:acs:r_last", 1).outcome);
    expect(tokens.of("8:acs:r_first")).toHaveLength(TOKENS_PER_IDENTITY);
    expect(tokens.of("8:acs:r_0")).toStrictEqual([]);
  });
});
