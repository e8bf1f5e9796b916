/**
 * Runs tasks one at a time per key, in the order they were queued; tasks of different keys
 * run side by side. A failure that `sharesFailure` accepts also fails the tasks queued behind
 * it at that moment, without running them: they were waiting on the same outage, and trying
 * each in turn would make the last of them wait for all the others' timeouts.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #sharesFailure: (error: unknown) => boolean;

  constructor(sharesFailure: (error: unknown) => boolean) {
    this.#sharesFailure = sharesFailure;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(
      () => task(),
      (error: unknown) => {
        if (this.#sharesFailure(error)) throw error;
        return task();
      },
    );
    this.#tails.set(key, result);
    const forget = (): void => {
      if (this.#tails.get(key) === result) this.#tails.delete(key);
    };
    result.then(forget, forget);
    return result;
  }

  /** How many keys have tasks queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
