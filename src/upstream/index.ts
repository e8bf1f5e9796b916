export { UpstreamConnection } from "./upstream-connection.js";
export type { UpstreamConnectionOptions, UpstreamNotification } from "./upstream-connection.js";
