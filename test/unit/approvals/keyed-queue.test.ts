import { describe, expect, it } from "vitest";
import { KeyedQueue } from "../../../src/approvals/keyed-queue.js";

class Outage extends Error {}

/** A task that records when it starts and ends, and settles when told. */
function controlledTask(log: string[], name: string) {
  let settle: (outcome: { value: string } | { error: Error }) => void = () => undefined;
  const task = () =>
    new Promise<string>((resolve, reject) => {
      log.push(`start ${name}`);
      settle = (outcome) => {
        log.push(`end ${name}`);
        if ("value" in outcome) resolve(outcome.value);
        else reject(outcome.error);
      };
    });
  return { task, settle: (outcome: { value: string } | { error: Error }) => settle(outcome) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("KeyedQueue", () => {
  it("runs one task at a time per key, in order, and tasks of other keys alongside", async () => {
    const queue = new KeyedQueue((error) => error instanceof Outage);
    const log: string[] = [];
    const first = controlledTask(log, "a1");
    const second = controlledTask(log, "a2");
    const other = controlledTask(log, "b1");
    const results = [queue.run("a", first.task), queue.run("a", second.task), queue.run("b", other.task)];
    await tick();
    expect(log).toEqual(["start a1", "start b1"]);

    first.settle({ value: "one" });
    await tick();
    expect(log).toEqual(["start a1", "start b1", "end a1", "start a2"]);
    second.settle({ value: "two" });
    other.settle({ value: "three" });
    expect(await Promise.all(results)).toEqual(["one", "two", "three"]);
    expect(queue.size).toBe(0);
  });

  it("runs the next task after an ordinary failure", async () => {
    const queue = new KeyedQueue((error) => error instanceof Outage);
    const failing = queue.run("a", () => Promise.reject(new Error("bad input")));
    const next = queue.run("a", () => Promise.resolve("ran"));
    await expect(failing).rejects.toThrow("bad input");
    expect(await next).toBe("ran");
  });

  it("fails the tasks queued behind a shared failure without running them, and runs later ones", async () => {
    const queue = new KeyedQueue((error) => error instanceof Outage);
    const log: string[] = [];
    const head = controlledTask(log, "head");
    const outage = new Outage("database unreachable");
    const running = queue.run("a", head.task);
    const queued = [1, 2, 3].map((n) => queue.run("a", () => Promise.resolve(log.push(`ran ${n}`))));
    const elsewhere = queue.run("b", () => Promise.resolve("unaffected"));
    await tick();
    head.settle({ error: outage });

    for (const task of [running, ...queued]) await expect(task).rejects.toBe(outage);
    expect(await elsewhere).toBe("unaffected");
    expect(log).toEqual(["start head", "end head"]);
    expect(queue.size).toBe(0);
    expect(await queue.run("a", () => Promise.resolve("after"))).toBe("after");
  });
});
