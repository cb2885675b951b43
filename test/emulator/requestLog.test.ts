/** The request log's ring: bounded, newest first, numbered, followed live. */
import { describe, expect, it } from "vitest";
import { RequestLog, type RequestLogEntry } from "../../src/emulator/pipeline/requestLog.js";

const entry = (n: number): Omit<RequestLogEntry, "seq"> => ({
  time: new Date(n).toISOString(),
  method: "GET",
  path: `/${n}`,
  status: 200,
  durationMs: 0.1,
});

describe("RequestLog", () => {
  it("keeps the last N entries, newest first", () => {
    const log = new RequestLog(3);
    for (let n = 1; n <= 5; n++) log.add(entry(n));
    expect(log.list().map((e) => [e.seq, e.path])).toStrictEqual([
      [5, "/5"],
      [4, "/4"],
      [3, "/3"],
    ]);
  });

  it("lists fewer than N as they came, and clears", () => {
    const log = new RequestLog(3);
    log.add(entry(1));
    expect(log.list()).toStrictEqual([{ seq: 1, ...entry(1) }]);
    log.clear();
    expect(log.list()).toStrictEqual([]);
    expect(log.add(entry(2)).seq).toBe(1);
  });

  it("tells subscribers of each new entry until they unsubscribe", () => {
    const log = new RequestLog(3);
    const seen: number[] = [];
    const unsubscribe = log.subscribe((e) => seen.push(e.seq));
    log.add(entry(1));
    log.add(entry(2));
    unsubscribe();
    log.add(entry(3));
    expect(seen).toStrictEqual([1, 2]);
  });
});
