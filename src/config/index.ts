export { loadConfig, parseConfig } from "./load.js";
export { parseDuration } from "./duration.js";
export { parseByteSize } from "./byte-size.js";
export { DEFAULT_REDACT_KEYS } from "./schema.js";
export type {
  AgentConfig,
  GatewayConfig,
  HttpUpstreamConfig,
  SlackConfig,
  StdioUpstreamConfig,
  UpstreamConfig,
} from "./types.js";
