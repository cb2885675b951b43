import { describe, expect, it, vi } from "vitest";
import { abortError, raceAbort } from "../src/transport/abort.js";

describe("raceAbort", () => {
  it("returns the promise itself without a signal", () => {
    const promise = Promise.resolve(1);
    expect(raceAbort(promise, undefined)).toBe(promise);
  });

  it("settles like the promise when the signal stays quiet", async () => {
    const controller = new AbortController();
    const onAbort = vi.fn();
    expect(await raceAbort(Promise.resolve("value"), controller.signal, onAbort)).toBe("value");
    await expect(raceAbort(Promise.reject(new Error("failure")), controller.signal, onAbort)).rejects.toThrow("failure");
    controller.abort();
    expect(onAbort).not.toHaveBeenCalled();
  });

  it("rejects with an AbortError when the signal fires first, and calls onAbort once", async () => {
    const controller = new AbortController();
    const onAbort = vi.fn();
    const raced = raceAbort(new Promise(() => undefined), controller.signal, onAbort);
    controller.abort();
    controller.abort();
    await expect(raced).rejects.toMatchObject({ name: "AbortError", message: "The operation was aborted." });
    expect(onAbort).toHaveBeenCalledTimes(1);
  });

  it("rejects at once for a signal that already fired", async () => {
    const onAbort = vi.fn();
    await expect(raceAbort(new Promise(() => undefined), AbortSignal.abort(), onAbort)).rejects.toMatchObject({ name: "AbortError" });
    expect(onAbort).toHaveBeenCalledTimes(1);
  });
});

describe("raceAbort with a deadline", () => {
  it("rejects with an AbortError carrying the deadline's message when the deadline passes first, and calls onAbort once", async () => {
    const onAbort = vi.fn();
    const started = Date.now();
    const raced = raceAbort(new Promise(() => undefined), undefined, onAbort, { ms: 30, message: "No answer within 30 ms." });
    await expect(raced).rejects.toMatchObject({ name: "AbortError", message: "No answer within 30 ms." });
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
    expect(onAbort).toHaveBeenCalledTimes(1);
  });

  it("settles like the promise before the deadline, and the signal still wins when it fires first", async () => {
    expect(await raceAbort(Promise.resolve(2), undefined, undefined, { ms: 1_000, message: "late" })).toBe(2);
    const controller = new AbortController();
    const raced = raceAbort(new Promise(() => undefined), controller.signal, undefined, { ms: 1_000, message: "late" });
    controller.abort();
    await expect(raced).rejects.toMatchObject({ name: "AbortError", message: "The operation was aborted." });
  });
});

describe("abortError", () => {
  it("is an Error named AbortError", () => {
    const error = abortError();
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.message]).toEqual(["AbortError", "The operation was aborted."]);
  });
});
