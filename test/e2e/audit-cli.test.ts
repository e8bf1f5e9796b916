import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore } from "../../src/approvals/approval-store.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createPrismaClient } from "../../src/store/prisma-client.js";
import { cliPath, createGatewayFixture, repoRoot, type GatewayFixture } from "../support/gateway-harness.js";
import { newRequest, voteOn } from "../integration/approvals/approval-fixtures.js";
import {
  decisionRow,
  insertDecisions,
  newestFirst,
  type DecisionRowInput,
} from "../integration/audit/decision-fixtures.js";
import { parseCsv } from "./admin-api-client.js";

interface ListedPage {
  readonly items: Array<{ id: string; agentId: string; reason: string | null; arguments: unknown }>;
  readonly nextCursor: string | null;
}

describe("mcp-approval-gateway audit list / show / export", () => {
  let fixture: GatewayFixture;
  let prisma: PrismaClient;
  let rows: DecisionRowInput[];
  let approvedDecisionId: string;

  function audit(args: string[], env: Record<string, string> = {}) {
    const result = spawnSync(process.execPath, [cliPath, "audit", ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  const withConfig = (args: string[]) => audit([...args, "--config", fixture.configPath]);

  beforeAll(async () => {
    fixture = await createGatewayFixture({ policy: { default: "allow" } });
    prisma = createPrismaClient(fixture.database.url);
    const start = Date.parse("2026-02-01T09:00:00.000Z");
    rows = Array.from({ length: 12 }, (_, index) =>
      decisionRow({
        createdAt: new Date(start + index * 60_000),
        agentId: index % 2 === 0 ? "ci-bot" : "ops-bot",
        decision: index % 4 === 1 ? "deny" : "allow",
        ruleId: index % 4 === 1 ? "no-prod" : null,
        reason: index % 4 === 1 ? 'prod, "really" off limits\nsee runbook' : null,
        arguments: { endpoint_name: `ep-${index}` },
      }),
    );
    const store = new ApprovalStore(prisma);
    const request = await store.create(newRequest({ agentId: "ops-bot", ruleId: "prod-deletes" }));
    await store.vote(voteOn(request.id, { reviewerName: "Ann", reason: "change CHG-7" }));
    await store.claimDelivery(request.id);
    const approved = decisionRow({
      createdAt: new Date(Date.now() + 1_000),
      agentId: "ops-bot",
      tool: "delete_endpoint",
      decision: "require_approval",
      ruleId: "prod-deletes",
      approvalId: request.id,
      approvalStatus: "approved",
      reviewers: ["Ann"],
    });
    approvedDecisionId = approved.id;
    rows.push(approved);
    await insertDecisions(prisma, rows);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await fixture?.dispose();
  });

  it("lists decisions newest first, one line each, with filters", () => {
    const all = withConfig(["list"]);
    expect(all.status, all.stderr).toBe(0);
    const lines = all.stdout.trim().split("\n");
    expect(lines).toHaveLength(rows.length);
    expect(lines.map((line) => line.split("  ").at(-1))).toEqual(newestFirst(rows).map((row) => row.id));
    expect(lines[0]).toContain("ops-bot -> sagemaker/delete_endpoint");
    expect(lines[0]).toContain("reviewers=Ann");

    const denied = withConfig(["list", "--decision", "deny", "--agent", "ops-bot"]);
    expect(denied.status, denied.stderr).toBe(0);
    const deniedLines = denied.stdout.trim().split("\n");
    expect(deniedLines).toHaveLength(3);
    expect(deniedLines.every((line) => /deny .*ops-bot .*rule=no-prod/.test(line))).toBe(true);

    const none = withConfig(["list", "--q", "nothing matches this"]);
    expect(none.stdout.trim()).toBe("No matching decisions.");
  });

  it("pages with --limit and --cursor, and prints JSON with --json", () => {
    const first = withConfig(["list", "--limit", "5", "--json"]);
    expect(first.status, first.stderr).toBe(0);
    const page = JSON.parse(first.stdout) as ListedPage;
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).not.toBeNull();
    const text = withConfig(["list", "--limit", "5"]);
    expect(text.stdout).toContain(`More: --cursor ${page.nextCursor}`);

    const ids = page.items.map((item) => item.id);
    let cursor = page.nextCursor;
    while (cursor) {
      const next = JSON.parse(
        withConfig(["list", "--limit", "5", "--json", "--cursor", cursor]).stdout,
      ) as ListedPage;
      ids.push(...next.items.map((item) => item.id));
      cursor = next.nextCursor;
    }
    expect(ids).toEqual(newestFirst(rows).map((row) => row.id));
  });

  it("refuses bad options, naming them", () => {
    const badFrom = withConfig(["list", "--from", "last tuesday"]);
    expect(badFrom.status).toBe(2);
    expect(badFrom.stderr).toContain("BAD_REQUEST");
    expect(badFrom.stderr).toContain("--from");
    const badLimit = withConfig(["list", "--limit", "9999"]);
    expect(badLimit.status).toBe(2);
    expect(badLimit.stderr).toContain("--limit");
    const badCursor = withConfig(["list", "--cursor", "tampered"]);
    expect(badCursor.status).toBe(2);
    expect(badCursor.stderr).toContain("invalid cursor");
    const badFormat = withConfig(["export", "--format", "xml"]);
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toContain("--format");
  });

  it("shows a decision with its approval timeline", () => {
    const shown = withConfig(["show", approvedDecisionId]);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`id:        ${approvedDecisionId}`);
    expect(shown.stdout).toContain("call:      sagemaker/delete_endpoint");
    expect(shown.stdout).toMatch(
      /requested\s+approval requested by rule prod-deletes \(quorum 1\) \(ops-bot\)/,
    );
    expect(shown.stdout).toMatch(/vote\s+approve via slack: change CHG-7 \(Ann\)/);
    expect(shown.stdout).toMatch(/decided\s+approved: change CHG-7 \(Ann\)/);
    expect(shown.stdout).toMatch(/forwarded\s+forwarded to sagemaker/);

    const json = JSON.parse(withConfig(["show", approvedDecisionId, "--json"]).stdout) as {
      approval: { status: string };
      timeline: Array<{ kind: string }>;
    };
    expect(json.approval.status).toBe("approved");
    expect(json.timeline.map((event) => event.kind)).toEqual([
      "requested",
      "vote",
      "decided",
      "forwarded",
      "upstream_outcome",
    ]);

    const missing = withConfig(["show", "00000000-0000-4000-8000-000000000000"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("No decision 00000000-0000-4000-8000-000000000000");
  });

  it("exports CSV to a file and NDJSON to stdout, matching the listed rows", () => {
    const listed = (JSON.parse(withConfig(["list", "--json", "--limit", "500"]).stdout) as ListedPage).items;
    const output = path.join(fixture.dir, "decisions.csv");
    const csv = withConfig(["export", "--format", "csv", "--output", output]);
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout).toBe("");
    const [header, ...records] = parseCsv(readFileSync(output, "utf8"));
    expect(header?.[0]).toBe("id");
    expect(records.map((record) => record[0])).toEqual(listed.map((item) => item.id));
    const reasonColumn = header?.indexOf("reason") ?? -1;
    expect(records.map((record) => record[reasonColumn])).toEqual(listed.map((item) => item.reason));
    expect(readdirSync(fixture.dir).filter((name) => name.endsWith(".partial"))).toEqual([]);

    const ndjson = withConfig(["export", "--format", "ndjson", "--agent", "ci-bot"]);
    expect(ndjson.status, ndjson.stderr).toBe(0);
    const exported = ndjson.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(exported).toEqual(listed.filter((item) => item.agentId === "ci-bot"));
  });

  it("takes the database from --database-url, and leaves no file when the export fails", () => {
    const direct = audit([
      "list",
      "--config",
      "does-not-exist.yaml",
      "--database-url",
      fixture.database.url,
      "--limit",
      "1",
    ]);
    expect(direct.status, direct.stderr).toBe(0);
    expect(direct.stdout).toContain("More: --cursor");

    const output = path.join(fixture.dir, "failed.csv");
    const failed = audit([
      "export",
      "--format",
      "csv",
      "--output",
      output,
      "--database-url",
      "postgresql://nobody@127.0.0.1:1/none",
    ]);
    expect(failed.status).not.toBe(0);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(`${output}.partial`)).toBe(false);
  });
});
