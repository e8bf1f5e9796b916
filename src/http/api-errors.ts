import type { ErrorRequestHandler, NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { describeError, ErrorCode, isGatewayError } from "../errors.js";
import { requestIdOf } from "./request-id.js";

/**
 * The admin API's error codes. They are part of the API contract (clients branch on them),
 * so they never change meaning once released.
 */
export const ApiErrorCode = {
  Unauthorized: "UNAUTHORIZED",
  Forbidden: "FORBIDDEN",
  NotFound: "NOT_FOUND",
  BadRequest: "BAD_REQUEST",
  Conflict: "CONFLICT",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  Unavailable: "UNAVAILABLE",
  Internal: "INTERNAL",
} as const;

export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** The one place an API error code gets its HTTP status. */
const statusOf: Readonly<Record<ApiErrorCode, number>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Gateway errors whose message is meant for the caller, and the API code each becomes. */
const fromGatewayCode: Partial<Record<ErrorCode, ApiErrorCode>> = {
  [ErrorCode.BadRequest]: ApiErrorCode.BadRequest,
  [ErrorCode.AuthRequired]: ApiErrorCode.Unauthorized,
  [ErrorCode.AuthInvalid]: ApiErrorCode.Unauthorized,
  [ErrorCode.BodyTooLarge]: ApiErrorCode.PayloadTooLarge,
  [ErrorCode.DatabaseUnavailable]: ApiErrorCode.Unavailable,
  [ErrorCode.RedisUnavailable]: ApiErrorCode.Unavailable,
  [ErrorCode.ApprovalUnavailable]: ApiErrorCode.Unavailable,
};

/** Sends `{ error: { code, message, requestId } }` with the code's status. */
export function sendApiError(res: Response, code: ApiErrorCode, message: string): void {
  res.status(statusOf[code]).json({ error: { code, message, requestId: requestIdOf(res) } });
}

/**
 * The API's last error handler: every thrown error becomes an error body. Unexpected errors
 * are logged with the request id and answered without their details.
 */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      // A streamed export failed midway: ending the connection tells the client it is cut short.
      logger.error(
        { err: describeError(error), requestId: requestIdOf(res) },
        "admin API response failed midway",
      );
      res.destroy();
      return;
    }
    const body = bodyParserError(error);
    if (body) return sendApiError(res, body.code, body.message);
    if (isGatewayError(error)) {
      const code = fromGatewayCode[error.code];
      if (code === ApiErrorCode.Unavailable)
        logger.warn({ err: error.message, requestId: requestIdOf(res) }, "admin API dependency unavailable");
      if (code) return sendApiError(res, code, error.message);
    }
    logger.error({ err: describeError(error), requestId: requestIdOf(res) }, "admin API request failed");
    sendApiError(
      res,
      ApiErrorCode.Internal,
      "internal error; the gateway log has the details under this request id",
    );
  };
}

function bodyParserError(error: unknown): { code: ApiErrorCode; message: string } | undefined {
  const type = (error as { type?: unknown } | undefined)?.type;
  if (type === "entity.too.large")
    return { code: ApiErrorCode.PayloadTooLarge, message: "request body too large" };
  if (type === "entity.parse.failed")
    return { code: ApiErrorCode.BadRequest, message: "the request body is not valid JSON" };
  if (type === "charset.unsupported" || type === "encoding.unsupported") {
    return { code: ApiErrorCode.BadRequest, message: "unsupported body encoding" };
  }
  return undefined;
}
