import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, freemem, loadavg, totalmem } from "node:os";

/** The machine a run happened on. */
export interface MachineInfo {
  /** What `nproc` prints: the CPUs this process may use. */
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryTotalMb: number;
  readonly memoryFreeAtStartMb: number;
  readonly node: string;
  readonly platform: string;
}

export function machineInfo(): MachineInfo {
  return {
    nproc: nproc(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryTotalMb: Math.round(totalmem() / 1_048_576),
    memoryFreeAtStartMb: Math.round(freemem() / 1_048_576),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function nproc(): number {
  try {
    return Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    return availableParallelism();
  }
}

/** The 1-minute load average over a run: what else the shared machine was doing. */
export interface LoadSummary {
  readonly atStart: number[];
  readonly atEnd: number[];
  readonly samples: number;
  readonly min1: number;
  readonly mean1: number;
  readonly max1: number;
}

/** Samples the load average every few seconds from creation until `stop`. */
export class LoadSampler {
  readonly #atStart = rounded(loadavg());
  readonly #samples: number[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(everyMs = 5_000) {
    this.#timer = setInterval(() => this.#samples.push(loadavg()[0] ?? 0), everyMs);
    this.#timer.unref();
  }

  summary(): LoadSummary {
    const samples = this.#samples.length > 0 ? this.#samples : [this.#atStart[0] ?? 0];
    return {
      atStart: this.#atStart,
      atEnd: rounded(loadavg()),
      samples: samples.length,
      min1: round2(Math.min(...samples)),
      mean1: round2(samples.reduce((sum, value) => sum + value, 0) / samples.length),
      max1: round2(Math.max(...samples)),
    };
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

function rounded(values: readonly number[]): number[] {
  return values.map(round2);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
