const networkErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

// SQLSTATEs meaning "this server/database cannot be used right now", not "your SQL is wrong".
const unavailableSqlStates = new Set([
  "57P01", // admin_shutdown (terminated by an administrator)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "3D000", // invalid_catalog_name: the database does not exist
  "28000", // invalid_authorization_specification
  "28P01", // invalid_password
]);

/** Whether a `pg` error means the database could not be reached or dropped the connection. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
  if (code === undefined) return /connection|terminat|timeout/i.test(error.message);
  return networkErrorCodes.has(code) || code.startsWith("08") || unavailableSqlStates.has(code);
}

/** The parts of a Postgres error worth recording: SQLSTATE, message, detail. */
export function describeDatabaseError(error: unknown): { code: string | undefined; message: string } {
  if (!(error instanceof Error)) return { code: undefined, message: String(error) };
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
  const detail = "detail" in error && typeof error.detail === "string" ? `\nDETAIL: ${error.detail}` : "";
  return { code, message: `${error.message}${detail}` };
}
