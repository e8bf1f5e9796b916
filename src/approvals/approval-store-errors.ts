import { describeError, ErrorCode, GatewayError, isGatewayError } from "../errors.js";
import { isConnectionError } from "../store/pg-errors.js";

// Prisma's codes for "the database cannot be used right now": unreachable, timed out,
// connection closed, pool exhausted, transaction could not start in time.
const unavailablePrismaCodes = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);

// Driver adapter error kinds with the same meaning.
const unavailableAdapterKinds = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "ConnectionClosed",
  "SocketTimeout",
  "TlsConnectionError",
  "TooManyConnections",
]);

/**
 * The gateway error for a failed store operation: `DatabaseUnavailable` when Postgres could
 * not be used, `Internal` for anything else. Never the raw driver error (it is the cause).
 */
export function toApprovalStoreError(error: unknown, action: string): GatewayError {
  if (isGatewayError(error)) return error;
  const code = meansDatabaseUnavailable(error) ? ErrorCode.DatabaseUnavailable : ErrorCode.Internal;
  return new GatewayError(code, `cannot ${action}: ${shortMessage(error)}`, { cause: error });
}

/** Whether an error of a store operation, raw or already ours, means Postgres could not be used. */
export function meansDatabaseUnavailable(error: unknown): boolean {
  if (isGatewayError(error)) return error.code === ErrorCode.DatabaseUnavailable;
  return errorChain(error).some(meansUnavailable);
}

// Prisma's query errors start with a blank line and a code frame; the cause is on the last line.
function shortMessage(error: unknown): string {
  if (!(error instanceof Error)) return describeError(error);
  const lines = error.message.split("\n").map((line) => line.trim());
  return lines.filter((line) => line !== "").at(-1) ?? error.name;
}

function meansUnavailable(error: object): boolean {
  if (isConnectionError(error)) return true;
  const code = stringProperty(error, "code");
  if (code !== undefined && unavailablePrismaCodes.has(code)) return true;
  const kind = stringProperty(error, "kind");
  if (kind !== undefined && unavailableAdapterKinds.has(kind)) return true;
  // The adapter's classification of a Postgres error keeps the SQLSTATE as `originalCode`
  // (e.g. 57P01 when the server terminated the connection).
  const sqlState = stringProperty(error, "originalCode");
  return sqlState !== undefined && isConnectionError(Object.assign(new Error(sqlState), { code: sqlState }));
}

/**
 * The error and what it wraps: Prisma keeps the driver adapter's error in `meta`, and that
 * keeps the driver's classification in `cause`.
 */
function errorChain(error: unknown): object[] {
  const chain: object[] = [];
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !chain.includes(current) && chain.length < 8) {
    chain.push(current);
    current = nested(current);
  }
  return chain;
}

function nested(error: object): unknown {
  const meta =
    "meta" in error && typeof error.meta === "object" && error.meta !== null ? error.meta : undefined;
  if (meta && "driverAdapterError" in meta) return meta.driverAdapterError;
  return "cause" in error ? error.cause : undefined;
}

function stringProperty(value: object, key: string): string | undefined {
  const property: unknown = (value as Record<string, unknown>)[key];
  return typeof property === "string" ? property : undefined;
}
