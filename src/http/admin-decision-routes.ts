import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import { exportChunks, exportContentTypes, type ExportFormat } from "../audit/decision-export-format.js";
import { parseParams, toDecisionFilter } from "../audit/decision-filter-params.js";
import type { DecisionQueries } from "../audit/decision-queries.js";
import { describeError } from "../errors.js";
import { decisionExportParams, decisionListParams } from "./admin-api-params.js";
import { ApiErrorCode, sendApiError } from "./api-errors.js";
import { requestIdOf } from "./request-id.js";

/** The decision history: list, export and detail. */
export function createDecisionRoutes(decisions: DecisionQueries, logger: Logger): Router {
  const router = express.Router();

  router.get("/decisions", async (req, res) => {
    const { limit, cursor, ...filter } = parseParams(decisionListParams, queryOf(req));
    res.json(await decisions.list(toDecisionFilter(filter), { limit, cursor }));
  });

  // Before `/decisions/:id`, which would otherwise take "export" for an id.
  router.get("/decisions/export", async (req, res) => {
    const { format, ...filter } = parseParams(decisionExportParams, queryOf(req));
    const chunks = exportChunks(decisions.stream(toDecisionFilter(filter)), format);
    // The first chunk is read before any header is sent, so a failing query still gets an error body.
    const first = await chunks.next();
    res.status(200);
    res.setHeader("content-type", exportContentTypes[format]);
    res.setHeader("content-disposition", `attachment; filename="${exportFileName(format)}"`);
    res.setHeader("cache-control", "no-store");
    await streamChunks(res, first, chunks, logger);
  });

  router.get("/decisions/:id", async (req, res) => {
    const detail = await decisions.get(String(req.params.id));
    if (!detail) return sendApiError(res, ApiErrorCode.NotFound, `no decision ${String(req.params.id)}`);
    res.json(detail);
  });

  return router;
}

/** Express 5 parses the query string into strings and arrays of strings. */
export function queryOf(req: Request): Record<string, unknown> {
  return { ...(req.query as Record<string, unknown>) };
}

/**
 * Writes the export with backpressure (pipeline waits for `drain`). A client that goes away
 * stops the generator, and with it the reading from Postgres.
 */
async function streamChunks(
  res: Response,
  first: IteratorResult<string>,
  rest: AsyncGenerator<string>,
  logger: Logger,
): Promise<void> {
  async function* all(): AsyncGenerator<string> {
    if (first.done) return;
    yield first.value;
    yield* rest;
  }
  try {
    await pipeline(Readable.from(all()), res);
  } catch (error) {
    if (res.writableFinished || isClientGone(error)) return;
    logger.error({ err: describeError(error), requestId: requestIdOf(res) }, "decision export failed midway");
    res.destroy();
  }
}

function isClientGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ECONNRESET" || code === "EPIPE";
}

function exportFileName(format: ExportFormat): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return `decisions-${stamp}.${format}`;
}
