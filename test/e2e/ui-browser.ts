import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { withClient } from "../support/services.js";

export interface HeadlessBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile and no traffic of its own. */
export async function launchChromium(): Promise<HeadlessBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), "mag-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1360, height: 860 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A decision recorded on an earlier day: the history chart needs more than today. */
export interface PastDecision {
  readonly daysAgo: number;
  readonly decision: string;
  readonly tool: string;
  readonly count: number;
}

export async function seedPastDecisions(
  databaseUrl: string,
  decisions: readonly PastDecision[],
): Promise<void> {
  await withClient(databaseUrl, async (db) => {
    for (const { daysAgo, decision, tool, count } of decisions) {
      await db.query(
        `INSERT INTO decisions (id, created_at, request_id, agent_id, upstream, tool, arguments, decision,
                                rule_id, latency_ms)
         SELECT gen_random_uuid(),
                date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                  - make_interval(days => $1::int) + make_interval(hours => 12, secs => n),
                'seed-' || n, 'ops-bot', 'sagemaker', $2, '{}'::jsonb, $3,
                CASE WHEN $3 = 'allow' THEN NULL ELSE 'seeded-rule' END, 3
           FROM generate_series(1, $4::int) AS n`,
        [daysAgo, tool, decision, count],
      );
    }
  });
}
