import express, { type Router } from "express";
import type { Logger } from "pino";
import { describeError } from "../errors.js";

/** What the route needs of the metrics: the exposition text and its content type. */
export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

/**
 * `GET /metrics` in the Prometheus text format. It needs no token: expose it only to the
 * scraper's network, never publicly (it names upstreams, tools and rules).
 */
export function createMetricsRouter(metrics: MetricsSource, logger: Logger): Router {
  const router = express.Router();
  router.get("/metrics", async (_req, res) => {
    try {
      const body = await metrics.render();
      res.setHeader("Content-Type", metrics.contentType);
      res.send(body);
    } catch (error) {
      logger.warn({ err: describeError(error) }, "metrics could not be collected");
      res.status(500).type("text/plain").send("metrics could not be collected\n");
    }
  });
  return router;
}
