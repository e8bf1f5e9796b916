import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";

const requestIdHeader = "x-request-id";
// Ids a client or proxy chose are kept only when they cannot forge log lines or headers.
const saneRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every HTTP request an id: the caller's `x-request-id` when it is a plain token of at
 * most 128 characters, otherwise a random UUID. The id is echoed in the response header,
 * handlers get `res.locals.requestId` and a child logger `res.locals.logger` carrying it, and
 * each request is logged at debug level when its response ends (method, path, status, time:
 * never headers, arguments or results). The request's own `x-request-id` header is set to the
 * id too, for code that sees only the headers: MCP tool calls, reached through the SDK.
 */
export function requestIdMiddleware(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const tagged = tagRequest(req, res, logger);
    res.locals.requestId = tagged.requestId;
    res.locals.logger = tagged.logger;
    next();
  };
}

/** What {@link tagRequest} gave a request: its id and a logger carrying it. */
export interface TaggedRequest {
  readonly requestId: string;
  readonly logger: Logger;
}

/**
 * The work of {@link requestIdMiddleware} on Node's own request and response, for endpoints
 * served without express.
 */
export function tagRequest(req: IncomingMessage, res: ServerResponse, logger: Logger): TaggedRequest {
  const requestId = offeredOrNewRequestId(req.headers);
  const requestLog = logger.child({ requestId });
  res.setHeader(requestIdHeader, requestId);
  const startedAt = performance.now();
  res.once("close", () => {
    const durationMs = Math.round(performance.now() - startedAt);
    const path = (req.url ?? "").split("?", 1)[0];
    requestLog.debug({ method: req.method, path, status: res.statusCode, durationMs }, "request done");
  });
  // Rather than an AsyncLocalStorage, whose promise hooks would tax every promise of the process.
  req.headers[requestIdHeader] = requestId;
  return { requestId, logger: requestLog };
}

/**
 * Gives the request an id and echoes it back, for routers that may run without
 * {@link requestIdMiddleware}; an id that middleware already assigned is kept.
 */
export function assignRequestId(req: Request, res: Response, next: NextFunction): void {
  const assigned: unknown = res.locals.requestId;
  const requestId = typeof assigned === "string" ? assigned : offeredOrNewRequestId(req.headers);
  res.locals.requestId = requestId;
  res.setHeader(requestIdHeader, requestId);
  next();
}

/** The request's id; "unknown" only for a response that bypassed both middlewares. */
export function requestIdOf(res: Response): string {
  const requestId: unknown = res.locals.requestId;
  return typeof requestId === "string" ? requestId : "unknown";
}

/** The id {@link requestIdMiddleware} gave the HTTP request these headers came with. */
export function requestIdOfHeaders(headers: IncomingHttpHeaders | undefined): string | undefined {
  const requestId = headers?.[requestIdHeader];
  return typeof requestId === "string" ? requestId : undefined;
}

function offeredOrNewRequestId(headers: IncomingHttpHeaders): string {
  const offered = headers[requestIdHeader];
  return typeof offered === "string" && saneRequestId.test(offered) ? offered : randomUUID();
}
