import express, { type Router } from "express";

/** A named dependency whose reachability decides readiness. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves true when reachable; must settle within a bounded time and never throw. */
  readonly check: () => Promise<boolean>;
}

/**
 * `/healthz` says the process serves requests (for restarts); `/readyz` says its Redis and
 * Postgres answer (for load balancers), so traffic drains from a replica that cannot decide.
 */
export function createHealthRouter(checks: readonly ReadinessCheck[]): Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const results = await Promise.all(checks.map(async ({ name, check }) => [name, await check()] as const));
    const ready = results.every(([, ok]) => ok);
    res.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "unavailable",
      checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? "ok" : "unreachable"])),
    });
  });
  return router;
}
