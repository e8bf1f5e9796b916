import { loadConfig } from "../config/index.js";
import { describeError } from "../errors.js";
import { startGateway } from "../gateway.js";
import { createLogger } from "../logging.js";
import { limitHeapGrowth } from "./heap-growth.js";

/**
 * Runs the gateway until SIGINT or SIGTERM, then drains: sessions close, the decision log
 * flushes. SIGHUP re-reads the config file and applies its policy.
 */
export async function runStartCommand(options: { config: string }): Promise<void> {
  // Before anything is allocated that the heap would grow for.
  limitHeapGrowth();
  const config = loadConfig(options.config);
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, logger);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: describeError(error) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // Only the policy is reloaded; the reloader names other changed sections that need a restart.
  process.on("SIGHUP", () => {
    if (!stopping) gateway.reloadPolicy("SIGHUP");
  });
}
