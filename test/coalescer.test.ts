import { describe, expect, it, vi } from "vitest";
import { Coalescer } from "../src/credentials/coalescer.js";
import { gate } from "./helpers/stubHttpClient.js";

describe("Coalescer", () => {
  it("runs identical work once while it is in flight", async () => {
    const coalescer = new Coalescer<string>();
    const held = gate<string>();
    const start = vi.fn(() => held.promise);
    const runs = [coalescer.run("alice", "k", undefined, start), coalescer.run("alice", "k", undefined, start)];
    held.open("user-1");
    expect(await Promise.all(runs)).toEqual(["user-1", "user-1"]);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it("runs again once the work settled", async () => {
    const coalescer = new Coalescer<number>();
    let count = 0;
    const start = async () => ++count;
    expect(await coalescer.run("g", "k", undefined, start)).toBe(1);
    expect(await coalescer.run("g", "k", undefined, start)).toBe(2);
  });

  it("queues different work in the same group behind the running one", async () => {
    const coalescer = new Coalescer<string>();
    const held = gate<string>();
    const order: string[] = [];
    const first = coalescer.run("g", "a", undefined, () => {
      order.push("a starts");
      return held.promise;
    });
    const second = coalescer.run("g", "b", undefined, async () => {
      order.push("b starts");
      return "b";
    });
    await Promise.resolve();
    expect(order).toEqual(["a starts"]);
    held.open("a");
    expect(await Promise.all([first, second])).toEqual(["a", "b"]);
    expect(order).toEqual(["a starts", "b starts"]);
  });

  it("runs the queued work even when the running one failed", async () => {
    const coalescer = new Coalescer<string>();
    const failing = coalescer.run("g", "a", undefined, async () => {
      throw new Error("boom");
    });
    const next = coalescer.run("g", "b", undefined, async () => "b");
    await expect(failing).rejects.toThrow("boom");
    expect(await next).toBe("b");
  });

  it("lets an aborted waiter stop waiting while the others get the result", async () => {
    const coalescer = new Coalescer<string>();
    const held = gate<string>();
    const start = vi.fn(() => held.promise);
    const controller = new AbortController();
    const leaving = coalescer.run("g", "k", controller.signal, start);
    const staying = coalescer.run("g", "k", undefined, start);
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ name: "AbortError", message: "The operation was aborted." });
    held.open("done");
    expect(await staying).toBe("done");
    expect(start).toHaveBeenCalledTimes(1);
  });

  it("keeps the group busy until the work ends, even when every caller gave up", async () => {
    const coalescer = new Coalescer<string>();
    const held = gate<string>();
    const order: string[] = [];
    const controller = new AbortController();
    const only = coalescer.run("g", "k", controller.signal, () => {
      order.push("first starts");
      return held.promise.then((value) => {
        order.push("first ends");
        return value;
      });
    });
    controller.abort();
    await expect(only).rejects.toMatchObject({ name: "AbortError" });
    const next = coalescer.run("g", "k", undefined, async () => {
      order.push("second starts");
      return "second";
    });
    // Same key: the new caller joins the work still in flight instead of starting a second one.
    held.open("first");
    expect(await next).toBe("first");
    expect(order).toEqual(["first starts", "first ends"]);
    expect(await coalescer.run("g", "k", undefined, async () => "fresh")).toBe("fresh");
  });

  it("lets a queued caller abort its wait", async () => {
    const coalescer = new Coalescer<string>();
    const held = gate<string>();
    const start = vi.fn(async () => "b");
    const running = coalescer.run("g", "a", undefined, () => held.promise);
    const controller = new AbortController();
    const queued = coalescer.run("g", "b", controller.signal, start);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: "AbortError" });
    held.open("a");
    expect(await running).toBe("a");
    expect(start).not.toHaveBeenCalled();
  });
});
