import { loadConfig } from "../src/config/index.js";
import { createLogger } from "../src/logging.js";
import { startComposedGateway, type DecisionLogMode } from "./support/composed-gateway.js";

/**
 * A gateway process built by the bench's own composition, so that the decision log can be
 * swapped for a stub: `node dist/bench/composed-gateway.js --config FILE --decision-log real|discard`.
 * It stops on SIGTERM or SIGINT, flushing the real log first.
 */

function option(name: string): string {
  const value = process.argv[process.argv.indexOf(`--${name}`) + 1];
  if (!process.argv.includes(`--${name}`) || value === undefined) throw new Error(`--${name} is required`);
  return value;
}

const mode = option("decision-log");
if (mode !== "real" && mode !== "discard") throw new Error(`--decision-log must be real or discard`);
const config = loadConfig(option("config"));
const logger = createLogger(config.logLevel);
const gateway = await startComposedGateway(config, logger, mode satisfies DecisionLogMode);
logger.info({ url: gateway.url, decisionLog: mode }, "composed gateway listening");

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  gateway.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
