/**
 * Stable error codes. They appear in logs, CLI output and HTTP error bodies, so they
 * never change meaning once released.
 */
export const ErrorCode = {
  ConfigNotFound: "CONFIG_NOT_FOUND",
  ConfigInvalid: "CONFIG_INVALID",
  PolicyInvalid: "POLICY_INVALID",
  UpstreamUnknown: "UPSTREAM_UNKNOWN",
  UpstreamUnavailable: "UPSTREAM_UNAVAILABLE",
  RedisUnavailable: "REDIS_UNAVAILABLE",
  DatabaseUnavailable: "DATABASE_UNAVAILABLE",
  AuditBacklogFull: "AUDIT_BACKLOG_FULL",
  MigrationFailed: "MIGRATION_FAILED",
  MigrationChecksumMismatch: "MIGRATION_CHECKSUM_MISMATCH",
  AuthRequired: "AUTH_REQUIRED",
  AuthInvalid: "AUTH_INVALID",
  SessionNotFound: "SESSION_NOT_FOUND",
  BodyTooLarge: "BODY_TOO_LARGE",
  BadRequest: "BAD_REQUEST",
  ApprovalUnavailable: "APPROVAL_UNAVAILABLE",
  Internal: "INTERNAL",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The one base error of the gateway: every thrown error that is ours carries a stable code. */
export class GatewayError extends Error {
  override readonly name: string = "GatewayError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** A short, single-line description of any thrown value, safe to log. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}
