import { watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { Logger } from "pino";
import { describeError, isGatewayError } from "../errors.js";
import { compilePolicy, type CompiledPolicy } from "../policy/index.js";
import { loadConfig } from "./load.js";
import type { GatewayConfig } from "./types.js";

/** What asked for a reload: a change to the config file, or a signal from the operator. */
export type ReloadTrigger = "file" | "SIGHUP";

export type ReloadOutcome = "reloaded" | "unchanged" | "invalid";

export interface PolicyReloaderOptions {
  /** The config the gateway started with; its file is the one re-read. */
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** Told after a new policy took effect, e.g. to tell clients their tool lists may differ. */
  readonly onReloaded?: (policy: CompiledPolicy) => void;
  /** Quiet time after the last file event before the file is read (default 200 ms). */
  readonly debounceMs?: number;
}

const defaultDebounceMs = 200;
/**
 * Kubernetes updates a mounted ConfigMap by swapping the `..data` symlink beside the file,
 * so the file's own name never appears in the directory's events.
 */
const configMapSwapEntry = "..data";

/**
 * Holds the live policy and replaces it when the config file changes or on `reload()`. Only
 * the policy takes effect without a restart; other changed sections are named in a warning.
 * An invalid file is logged with the same message as at start-up, and the previous policy
 * keeps serving.
 */
export class PolicyReloader {
  readonly #options: PolicyReloaderOptions;
  readonly #configPath: string;
  #policy: CompiledPolicy;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: PolicyReloaderOptions) {
    this.#options = options;
    this.#configPath = options.config.sourcePath;
    this.#policy = compilePolicy(options.config.policy);
  }

  /** The policy to decide with now. */
  get current(): CompiledPolicy {
    return this.#policy;
  }

  /**
   * Watches the file's directory rather than the file: editors and config managers replace
   * the file (write a new one, rename it over), which ends a watch on the file itself.
   */
  watch(): void {
    if (this.#watcher) return;
    const fileName = path.basename(this.#configPath);
    this.#watcher = watch(path.dirname(this.#configPath), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === fileName || changed === configMapSwapEntry) this.#schedule();
    });
    this.#watcher.on("error", (error) => {
      this.#options.logger.warn(
        { err: describeError(error) },
        "config file watch failed; reload with SIGHUP",
      );
    });
  }

  /** Re-reads the whole config file and swaps in its policy if the file is valid. */
  reload(trigger: ReloadTrigger): ReloadOutcome {
    const { logger } = this.#options;
    let next: GatewayConfig;
    let policy: CompiledPolicy;
    try {
      next = loadConfig(this.#configPath);
      policy = compilePolicy(next.policy);
    } catch (error) {
      const code = isGatewayError(error) ? error.code : "INTERNAL";
      const problems = error instanceof Error ? error.message : String(error);
      logger.error(
        { trigger, code, err: problems },
        "config reload failed; the previous policy stays in force",
      );
      return "invalid";
    }
    this.#warnAboutRestartSections(next, trigger);
    if (isDeepStrictEqual(next.policy, this.#policy.spec)) {
      logger.info({ trigger }, "config reloaded; the policy is unchanged");
      return "unchanged";
    }
    this.#policy = policy;
    logger.info(
      { trigger, rules: policy.rules.length, mode: next.policy.mode ?? "enforce" },
      "policy reloaded; only the policy takes effect without a restart",
    );
    this.#options.onReloaded?.(policy);
    return "reloaded";
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#watcher) this.reload("file");
    }, this.#options.debounceMs ?? defaultDebounceMs);
  }

  #warnAboutRestartSections(next: GatewayConfig, trigger: ReloadTrigger): void {
    const sections = changedSections(this.#options.config, next);
    if (sections.length === 0) return;
    this.#options.logger.warn(
      { trigger, sections },
      `config sections changed that take effect only after a restart: ${sections.join(", ")}`,
    );
  }
}

/** Top-level config sections (by their YAML names) that differ, the policy aside. */
function changedSections(running: GatewayConfig, next: GatewayConfig): string[] {
  const runningSections: Record<string, unknown> = { ...running };
  const nextSections: Record<string, unknown> = { ...next };
  const keys = new Set([...Object.keys(runningSections), ...Object.keys(nextSections)]);
  keys.delete("policy");
  keys.delete("sourcePath");
  return [...keys]
    .filter((key) => !isDeepStrictEqual(runningSections[key], nextSections[key]))
    .map((key) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));
}
