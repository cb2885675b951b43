import type { CommunicationTokenCredential, CommunicationTokenRefreshOptions } from "@azure/communication-common";
import type { AccessToken } from "@azure/core-auth";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AutoRefreshingTokenCredential,
  DEFAULT_REFRESH_MARGIN_MS,
  type TokenInput,
  type TokenRefresher,
} from "../src/credentials/autoRefreshingTokenCredential.js";
import { jwt, seconds } from "./helpers/jwt.js";

const T0 = new Date("2024-01-01T00:00:00.000Z").getTime();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A JWT that expires `ms` after the current (fake) time. */
const tokenExpiringIn = (ms: number, label = "t"): string => jwt({ exp: seconds(Date.now() + ms), label });

/** A refresher that hands out JWTs living `lifetimeMs`, numbered so each call's token differs. */
function refresherOf(lifetimeMs: number) {
  let calls = 0;
  return vi.fn<TokenRefresher>(async () => tokenExpiringIn(lifetimeMs, `r${++calls}`));
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("AutoRefreshingTokenCredential", () => {
  it("is a CommunicationTokenCredential for the Chat and Calling SDKs", () => {
    const credential: CommunicationTokenCredential = new AutoRefreshingTokenCredential({ tokenRefresher: refresherOf(HOUR) });
    expect(typeof credential.getToken).toBe("function");
    credential.dispose();
  });

  it("hands out the initial token while it is fresh, without calling the refresher", async () => {
    const initial = tokenExpiringIn(HOUR, "initial");
    const tokenRefresher = refresherOf(HOUR);
    const credential = new AutoRefreshingTokenCredential({ tokenRefresher, token: initial });
    expect(await credential.getToken()).toEqual({ token: initial, expiresOnTimestamp: T0 + HOUR });
    vi.setSystemTime(T0 + HOUR - DEFAULT_REFRESH_MARGIN_MS - 1);
    expect((await credential.getToken()).token).toBe(initial);
    expect(tokenRefresher).not.toHaveBeenCalled();
  });

  it("refreshes on getToken once the token is inside the refresh margin, then reuses the new one", async () => {
    const tokenRefresher = refresherOf(HOUR);
    const credential = new AutoRefreshingTokenCredential({ tokenRefresher, token: tokenExpiringIn(HOUR), refreshMarginMs: 5 * MINUTE });
    vi.setSystemTime(T0 + 55 * MINUTE);
    const refreshed = await credential.getToken();
    expect(refreshed.expiresOnTimestamp).toBe(T0 + 55 * MINUTE + HOUR);
    expect(await credential.getToken()).toBe(refreshed);
    expect(tokenRefresher).toHaveBeenCalledTimes(1);
  });

  it("fetches the first token on the first getToken when none was given", async () => {
    const tokenRefresher = refresherOf(HOUR);
    const credential = new AutoRefreshingTokenCredential({ tokenRefresher });
    expect((await credential.getToken()).expiresOnTimestamp).toBe(T0 + HOUR);
    expect(tokenRefresher).toHaveBeenCalledTimes(1);
  });

  it("passes the refresher a signal that fires on dispose", async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const credential = new AutoRefreshingTokenCredential({
      tokenRefresher: async (signal) => {
        signals.push(signal as AbortSignal);
        return tokenExpiringIn(HOUR);
      },
    });
    await credential.getToken();
    expect(signals[0]?.aborted).toBe(false);
    credential.dispose();
    expect(signals[0]?.aborted).toBe(true);
  });

  describe("opaque tokens", () => {
    it("accepts { token, expiresOn } from the refresher and as the initial token", async () => {
      const expiresOn = new Date(T0 + 2 * HOUR);
      const credential = new AutoRefreshingTokenCredential({
        token: { token: "opaque-1", expiresOn: new Date(T0 + HOUR) },
        tokenRefresher: async () => ({ token: "opaque-2", expiresOn }),
      });
      expect(await credential.getToken()).toEqual({ token: "opaque-1", expiresOnTimestamp: T0 + HOUR });
      vi.setSystemTime(T0 + 55 * MINUTE);
      expect(await credential.getToken()).toEqual({ token: "opaque-2", expiresOnTimestamp: T0 + 2 * HOUR });
    });

    it("rejects an opaque string from the refresher, saying to return { token, expiresOn }", async () => {
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher: async () => "opaque" });
      await expect(credential.getToken()).rejects.toThrow(
        new TypeError(
          "The value tokenRefresher resolved to is a token without a readable exp claim (an opaque token): return { token, expiresOn } instead.",
        ),
      );
    });

    it("refuses an opaque initial token string", () => {
      expect(() => new AutoRefreshingTokenCredential({ tokenRefresher: refresherOf(HOUR), token: "opaque" })).toThrow(TypeError);
    });
  });

  describe("what a JSON endpoint returns, and the forms AzureCommunicationTokenCredential takes", () => {
    it("takes the JSON of issueToken's result from the refresher: expiresOn as an ISO 8601 string", async () => {
      const issued = { user: { communicationUserId: "8:acs:x" }, token: "opaque-1", expiresOn: new Date(T0 + HOUR) };
      const body: unknown = JSON.parse(JSON.stringify(issued));
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher: async () => body as TokenInput });
      expect(await credential.getToken()).toStrictEqual({ token: "opaque-1", expiresOnTimestamp: T0 + HOUR });
    });

    it("takes the service's own expiresOn format, with 7 fractional digits and an offset", async () => {
      const credential = new AutoRefreshingTokenCredential({
        token: { token: "opaque", expiresOn: "2024-01-01T01:00:00.1234567+00:00" },
        tokenRefresher: refresherOf(HOUR),
      });
      expect(await credential.getToken()).toStrictEqual({ token: "opaque", expiresOnTimestamp: T0 + HOUR + 123 });
    });

    it("takes core-auth's AccessToken, { token, expiresOnTimestamp }", async () => {
      const credential = new AutoRefreshingTokenCredential({
        tokenRefresher: async () => ({ token: "opaque", expiresOnTimestamp: T0 + HOUR }),
      });
      expect(await credential.getToken()).toStrictEqual({ token: "opaque", expiresOnTimestamp: T0 + HOUR });
    });

    it.each([
      ["a JWT string", (token: string) => token],
      ["{ token } with a JWT", (token: string) => ({ token })],
      ["{ token, expiresOnTimestamp }", (token: string) => ({ token, expiresOnTimestamp: T0 + HOUR })],
    ])("holds a fixed token given as %s, like new AzureCommunicationTokenCredential(token)", async (_name, form) => {
      const token = tokenExpiringIn(HOUR);
      const credential = new AutoRefreshingTokenCredential(form(token) as TokenInput);
      expect(await credential.getToken()).toStrictEqual({ token, expiresOnTimestamp: T0 + HOUR });
      vi.setSystemTime(T0 + 59 * MINUTE);
      expect((await credential.getToken()).token).toBe(token);
      vi.setSystemTime(T0 + HOUR);
      await expect(credential.getToken()).rejects.toThrow(
        new Error(
          "The token expired at 2024-01-01T01:00:00.000Z and this credential has no tokenRefresher to renew it:" +
            " create it with { tokenRefresher } (e.g. a fetch of your token route) instead of a fixed token.",
        ),
      );
    });

    it.each([
      [
        "an opaque string",
        "opaque",
        "token is a token without a readable exp claim (an opaque token): return { token, expiresOn } instead.",
      ],
      [
        "an expiresOn that is not a time",
        { token: "opaque", expiresOn: "tomorrow" },
        "token has an expiresOn that is not a time: pass a Date, an ISO 8601 string or expiresOnTimestamp in milliseconds.",
      ],
      [
        "an empty token",
        { token: "", expiresOn: "2024-01-01T01:00:00Z" },
        "token must be a JWT string, or { token, expiresOn } as issueToken returns it (expiresOn a Date or its JSON string).",
      ],
      [
        "refresh options without a refresher",
        { refreshProactively: true },
        "AutoRefreshingTokenCredential needs { tokenRefresher }: a function that resolves to a new token.",
      ],
    ])("refuses %s", (_name, value, message) => {
      expect(() => new AutoRefreshingTokenCredential(value as TokenInput)).toThrow(new TypeError(message));
    });

    it("takes every argument AzureCommunicationTokenCredential's token and refresh constructors take (type-checked)", async () => {
      // What code written for AzureCommunicationTokenCredential passes: it must compile unchanged.
      const replace = (tokenOrOptions: string | AccessToken | CommunicationTokenRefreshOptions) =>
        typeof tokenOrOptions === "object" && "tokenRefresher" in tokenOrOptions
          ? new AutoRefreshingTokenCredential(tokenOrOptions)
          : new AutoRefreshingTokenCredential(tokenOrOptions);
      const token = tokenExpiringIn(HOUR);
      expect((await replace(token).getToken()).token).toBe(token);
      expect((await replace({ token: "opaque", expiresOnTimestamp: T0 + HOUR }).getToken()).token).toBe("opaque");
      expect((await replace({ tokenRefresher: async () => token, refreshProactively: false }).getToken()).token).toBe(token);
    });
  });

  describe("proactive refresh", () => {
    it("refreshes in the background refreshMarginMs before expiry", async () => {
      const tokenRefresher = refresherOf(HOUR);
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, token: tokenExpiringIn(HOUR), refreshProactively: true });
      await vi.advanceTimersByTimeAsync(HOUR - DEFAULT_REFRESH_MARGIN_MS - 1);
      expect(tokenRefresher).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      expect((await credential.getToken()).expiresOnTimestamp).toBe(T0 + 50 * MINUTE + HOUR);
      // And again 50 minutes after that.
      await vi.advanceTimersByTimeAsync(50 * MINUTE);
      expect(tokenRefresher).toHaveBeenCalledTimes(2);
      credential.dispose();
    });

    it("fetches a first token in the background when none was given", async () => {
      const tokenRefresher = refresherOf(HOUR);
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, refreshProactively: true });
      expect(tokenRefresher).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(0);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      expect((await credential.getToken()).expiresOnTimestamp).toBe(T0 + HOUR);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      credential.dispose();
    });

    it("never hands out an expired token when the timer stalled (sleeping laptop)", async () => {
      const initial = tokenExpiringIn(HOUR, "initial");
      const tokenRefresher = refresherOf(HOUR);
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, token: initial, refreshProactively: true });
      // The clock moves two hours but no timer runs, as after a suspend.
      vi.setSystemTime(T0 + 2 * HOUR);
      const token = await credential.getToken();
      expect(token.token).not.toBe(initial);
      expect(token.expiresOnTimestamp).toBe(T0 + 3 * HOUR);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      credential.dispose();
    });

    it("uses an unref'd timer, so it never keeps Node alive", () => {
      vi.useRealTimers();
      const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
      const credential = new AutoRefreshingTokenCredential({
        tokenRefresher: refresherOf(HOUR),
        token: jwt({ exp: seconds(Date.now() + HOUR) }),
        refreshProactively: true,
      });
      const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
      expect(setTimeoutSpy.mock.calls[0]?.[1]).toBeGreaterThan(HOUR - DEFAULT_REFRESH_MARGIN_MS - 1000);
      expect(timer.hasRef()).toBe(false);
      credential.dispose();
      setTimeoutSpy.mockRestore();
    });
  });

  describe("concurrency and abort", () => {
    it("shares one refresh among concurrent callers", async () => {
      let release!: () => void;
      const tokenRefresher = vi.fn<TokenRefresher>(
        () => new Promise<string>((resolve) => (release = () => resolve(tokenExpiringIn(HOUR, "shared")))),
      );
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher });
      const calls = [credential.getToken(), credential.getToken(), credential.getToken()];
      release();
      const [a, b, c] = await Promise.all(calls);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      expect(a).toBe(b);
      expect(b).toBe(c);
    });

    it("rejects only the caller that aborted; the refresh goes on for the others", async () => {
      let release!: () => void;
      const tokenRefresher = vi.fn<TokenRefresher>(
        () => new Promise<string>((resolve) => (release = () => resolve(tokenExpiringIn(HOUR)))),
      );
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher });
      const controller = new AbortController();
      const aborted = credential.getToken({ abortSignal: controller.signal });
      const patient = credential.getToken();
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
      release();
      expect((await patient).expiresOnTimestamp).toBe(T0 + HOUR);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("rejects at once for an already aborted signal", async () => {
      const tokenRefresher = refresherOf(HOUR);
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher });
      await expect(credential.getToken({ abortSignal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    });
  });

  describe("backoff", () => {
    it("backs off, doubling to one minute, while the refresher returns nearly expired tokens", async () => {
      // Each token lives 5 minutes: always inside the 10-minute margin.
      const tokenRefresher = refresherOf(5 * MINUTE);
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, refreshProactively: true });
      const callTimes: number[] = [];
      tokenRefresher.mockImplementation(async () => {
        callTimes.push(Date.now() - T0);
        return tokenExpiringIn(5 * MINUTE);
      });
      await vi.advanceTimersByTimeAsync(4 * MINUTE);
      expect(callTimes).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 63_000, 123_000, 183_000]);
      credential.dispose();
    });

    it("hands out a valid but stale token during the backoff instead of calling the refresher again", async () => {
      const tokenRefresher = refresherOf(5 * MINUTE);
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher });
      const first = await credential.getToken();
      expect(await credential.getToken()).toBe(first);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      vi.setSystemTime(T0 + 1_000);
      const second = await credential.getToken();
      expect(second).not.toBe(first);
      expect(tokenRefresher).toHaveBeenCalledTimes(2);
      // The second stale result doubles the wait to 2 s.
      vi.setSystemTime(T0 + 2_999);
      expect(await credential.getToken()).toBe(second);
      vi.setSystemTime(T0 + 3_000);
      await credential.getToken();
      expect(tokenRefresher).toHaveBeenCalledTimes(3);
    });

    it("ends the backoff once a fresh token arrives", async () => {
      const tokenRefresher = refresherOf(5 * MINUTE);
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, refreshProactively: true });
      await vi.advanceTimersByTimeAsync(3_000);
      expect(tokenRefresher).toHaveBeenCalledTimes(3);
      tokenRefresher.mockImplementation(async () => tokenExpiringIn(HOUR));
      await vi.advanceTimersByTimeAsync(4_000);
      expect(tokenRefresher).toHaveBeenCalledTimes(4);
      // The next refresh is 50 minutes after the fresh token, not after another backoff step.
      await vi.advanceTimersByTimeAsync(50 * MINUTE - 1);
      expect(tokenRefresher).toHaveBeenCalledTimes(4);
      await vi.advanceTimersByTimeAsync(1);
      expect(tokenRefresher).toHaveBeenCalledTimes(5);
      credential.dispose();
    });

    it("retries a failing background refresh after the backoff, not in a loop", async () => {
      const tokenRefresher = vi.fn<TokenRefresher>(async () => {
        throw new Error("offline");
      });
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, refreshProactively: true });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(tokenRefresher).toHaveBeenCalledTimes(4); // at 0, 1, 3 and 7 seconds
      credential.dispose();
    });
  });

  describe("failures", () => {
    it("rejects when the refresher returns an expired token, naming the expiry", async () => {
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher: async () => jwt({ exp: seconds(T0 - 1000) }) });
      await expect(credential.getToken()).rejects.toThrow(
        new RangeError("tokenRefresher returned a token that expired at 2023-12-31T23:59:59.000Z: it must return a new token."),
      );
    });

    it("passes on the refresher's error when no valid token is left", async () => {
      const credential = new AutoRefreshingTokenCredential({
        tokenRefresher: async () => {
          throw new Error("offline");
        },
      });
      await expect(credential.getToken()).rejects.toThrow("offline");
    });

    it("keeps handing out a stale but valid token when its refresh fails", async () => {
      const initial = tokenExpiringIn(HOUR, "initial");
      const tokenRefresher = vi.fn<TokenRefresher>(async () => {
        throw new Error("offline");
      });
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, token: initial });
      vi.setSystemTime(T0 + 55 * MINUTE);
      expect((await credential.getToken()).token).toBe(initial);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      vi.setSystemTime(T0 + HOUR);
      await expect(credential.getToken()).rejects.toThrow("offline");
    });
  });

  describe("dispose", () => {
    it("clears the timer and makes later getToken calls reject", async () => {
      const tokenRefresher = refresherOf(HOUR);
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, token: tokenExpiringIn(HOUR), refreshProactively: true });
      expect(vi.getTimerCount()).toBe(1);
      credential.dispose();
      expect(vi.getTimerCount()).toBe(0);
      await expect(credential.getToken()).rejects.toThrow(
        new Error("This AutoRefreshingTokenCredential was disposed; create a new one to get tokens."),
      );
      await vi.advanceTimersByTimeAsync(2 * HOUR);
      expect(tokenRefresher).not.toHaveBeenCalled();
      credential.dispose();
    });

    it("rejects a getToken waiting on a refresh and discards what the refresher returns late", async () => {
      let release!: () => void;
      const tokenRefresher = vi.fn<TokenRefresher>(
        () => new Promise<string>((resolve) => (release = () => resolve(tokenExpiringIn(HOUR)))),
      );
      const credential = new AutoRefreshingTokenCredential({ tokenRefresher, refreshProactively: true });
      const waiting = credential.getToken();
      credential.dispose();
      release();
      await expect(waiting).rejects.toThrow("disposed");
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe("options", () => {
    const refresh: TokenRefresher = async () => "";
    it.each([
      [undefined, TypeError],
      [{}, TypeError],
      [{ tokenRefresher: "https://example.com/token" }, TypeError],
      [{ tokenRefresher: refresh, refreshMarginMs: "600000" }, TypeError],
      [{ tokenRefresher: refresh, refreshMarginMs: -1 }, RangeError],
      [{ tokenRefresher: refresh, refreshMarginMs: Number.NaN }, RangeError],
      [{ tokenRefresher: refresh, token: { token: "x" } }, TypeError],
    ])("refuses %j with %o", (options, errorClass) => {
      expect(() => new AutoRefreshingTokenCredential(options as never)).toThrow(errorClass);
    });
  });
});
