import { residentMb } from "./process-memory.js";

export interface TimelineSample {
  readonly ts: number;
  readonly pending: number;
  readonly rssMb: number;
}

/**
 * Samples, on a timer, how many approvals are pending and the RSS of the gateway process
 * holding them, so that memory can be read against the count it holds at each moment.
 */
export class PendingTimeline {
  readonly samples: TimelineSample[] = [];
  readonly #timer: NodeJS.Timeout;
  #sampling = false;

  constructor(
    private readonly pid: number,
    private readonly countPending: () => Promise<number>,
    everyMs: number,
  ) {
    this.#timer = setInterval(() => void this.sample(), everyMs);
  }

  /** Takes one sample now (skipped while the previous one is still counting). */
  async sample(): Promise<TimelineSample | undefined> {
    if (this.#sampling) return undefined;
    this.#sampling = true;
    try {
      const pending = await this.countPending();
      const rssMb = residentMb(this.pid);
      if (rssMb === undefined) return undefined;
      const sample = { ts: Date.now(), pending, rssMb };
      this.samples.push(sample);
      return sample;
    } catch {
      return undefined;
    } finally {
      this.#sampling = false;
    }
  }

  between(fromTs: number, toTs: number): TimelineSample[] {
    return this.samples.filter((sample) => sample.ts >= fromTs && sample.ts <= toTs);
  }

  /** The most approvals seen pending at a moment when the RSS was within `limitMb`. */
  largestWithin(limitMb: number): number {
    return Math.max(0, ...this.samples.filter((s) => s.rssMb <= limitMb).map((s) => s.pending));
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
