import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentTokens,
  connectAgent,
  createGatewayFixture,
  repoRoot,
  resultText,
  startInProcessGateway,
  type GatewayFixture,
  type InProcessGateway,
} from "../support/gateway-harness.js";
import { withClient } from "../support/services.js";
import { launchChromium, seedPastDecisions, type HeadlessBrowser } from "./ui-browser.js";

const adminToken = "ops-admin-token-0123456789abcdef";
// The README's screenshots: `UI_SCREENSHOTS=docs/screenshots npx vitest run test/e2e/ui.test.ts`
// refreshes them; otherwise they go to a temporary directory so a test run changes no tracked file.
const screenshots = process.env.UI_SCREENSHOTS
  ? path.resolve(repoRoot, process.env.UI_SCREENSHOTS)
  : mkdtempSync(path.join(tmpdir(), "mag-ui-shots-"));
// Shown as text in the queue: markup in arguments must never become elements.
const hostileName = `<img src=x onerror=document.title='pwned'>deploy`;

const policy = {
  default: "allow",
  rules: [
    {
      id: "approve-credentials",
      tool: "create_api_key",
      action: "require_approval",
      approval: { timeout: "10m", require_reason_on_deny: true },
    },
    { id: "no-deletes", tool: "delete_*", action: "deny", reason: "Deletion is disabled for agents" },
  ],
};

const seeded = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].flatMap((daysAgo) => [
  { daysAgo, decision: "allow", tool: "list_endpoints", count: 4 + ((daysAgo * 7) % 9) },
  { daysAgo, decision: "deny", tool: "delete_endpoint", count: daysAgo % 3 },
  { daysAgo, decision: "require_approval", tool: "create_api_key", count: daysAgo % 2 },
  { daysAgo, decision: "rate_limited", tool: "describe_endpoint", count: daysAgo % 4 === 0 ? 2 : 0 },
]);

async function pendingCount(fixture: GatewayFixture): Promise<number> {
  return withClient(fixture.database.url, async (db) =>
    Number((await db.query("SELECT count(*) FROM approval_requests WHERE status = 'pending'")).rows[0].count),
  );
}

async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/ui/login`);
  await page.fill("#token", token);
  await Promise.all([page.waitForLoadState("load"), page.click("button[type=submit]")]);
}

const queueRows = (page: Page) => page.locator("table[data-live-queue] tbody tr");

describe("the operators' web page in a real browser", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let agent: Client;
  let browser: HeadlessBrowser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    fixture = await createGatewayFixture({
      policy,
      extra: {
        admins: [{ id: "ops-admin", token: adminToken }],
        approvals: { hold: "50s", grant_ttl: "5m", progress_interval: "1s" },
      },
    });
    gateway = await startInProcessGateway(fixture);
    agent = await connectAgent(gateway.url, "sagemaker");
    browser = await launchChromium();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await agent?.close();
    await gateway?.close();
    await fixture?.dispose();
  });

  it("sends strangers to sign-in and rejects tokens that are not admin tokens", async () => {
    const response = await page.goto(`${gateway.url}/ui`);
    expect(new URL(page.url()).pathname).toBe("/ui/login");
    const headers = response?.headers() ?? {};
    expect(headers["content-security-policy"]).toContain("default-src 'self'");
    expect(headers["content-security-policy"]).toContain("script-src 'self'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("same-origin");

    for (const wrong of ["not-a-real-admin-token-000", agentTokens["ci-bot"]]) {
      await signIn(page, gateway.url, wrong);
      expect(new URL(page.url()).pathname).toBe("/ui/login");
      expect(await page.locator("[role=alert]").textContent()).toContain("not an admin token");
    }
    expect(await browser.context.cookies()).not.toContainEqual(
      expect.objectContaining({ name: "mag_session" }),
    );
  });

  it("signs in with an admin token into an http-only, same-site session cookie", async () => {
    await signIn(page, gateway.url, adminToken);
    expect(new URL(page.url()).pathname).toBe("/ui/");
    expect(await page.locator(".who").textContent()).toContain("ops-admin");
    const session = (await browser.context.cookies()).find((cookie) => cookie.name === "mag_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/ui", secure: false });
    expect(session?.value).not.toContain(adminToken);
    expect(await page.locator("[data-queue-empty]").isVisible()).toBe(true);
  });

  it("shows a held call live, without a reload, and the agent gets the real result once approved", async () => {
    await page.evaluate("window.notReloaded = true");
    const held = agent.callTool({ name: "create_api_key", arguments: { name: hostileName } });
    held.catch(() => undefined);
    await queueRows(page).first().waitFor({ state: "visible", timeout: 15_000 });
    expect(await page.evaluate("window.notReloaded")).toBe(true);
    const row = queueRows(page).first();
    expect(await row.locator(".tool").textContent()).toBe("create_api_key");
    expect(await row.locator("pre.args").textContent()).toContain(hostileName);
    expect(await row.locator("img").count()).toBe(0);
    expect(await page.title()).not.toBe("pwned");
    expect(await page.locator("[data-queue-count]").textContent()).toBe("1");
    await page.locator("body").screenshot({ path: path.join(screenshots, "ui-queue.png") });

    await Promise.all([page.waitForURL(/\/ui\/$/), row.locator("button.approve").click()]);
    expect(await page.locator(".flash-ok").textContent()).toContain("Approved create_api_key for ci-bot");
    const result = await held;
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toMatch(/sk-live-[0-9a-f]{32}/);
    expect(fixture.readCallLog().filter((call) => call.tool === "create_api_key")).toHaveLength(1);
    await page.locator("[data-queue-empty]").waitFor({ state: "visible" });
  });

  it("rejects state changes without the session's CSRF token or from another origin", async () => {
    const held = agent.callTool({ name: "create_api_key", arguments: { name: "csrf-probe" } });
    held.catch(() => undefined);
    await queueRows(page).first().waitFor({ state: "visible", timeout: 15_000 });
    const id = await queueRows(page).first().getAttribute("data-id");
    const action = `${gateway.url}/ui/approvals/${id}/approve`;
    const postFromPage = (body: string) =>
      page.evaluate(
        async ([url, form]) =>
          (
            await fetch(url, {
              method: "POST",
              body: form,
              headers: { "content-type": "application/x-www-form-urlencoded" },
            })
          ).status,
        [action, body] as const,
      );
    expect(await postFromPage("")).toBe(403);
    expect(await postFromPage("csrf=forged-token")).toBe(403);

    const csrf = (await page.locator("input[name=csrf]").first().getAttribute("value")) ?? "";
    const cookie = (await browser.context.cookies())
      .filter((c) => c.name === "mag_session")
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
    const crossSite = await fetch(action, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie,
        origin: "https://evil.example",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ csrf }),
    });
    expect(crossSite.status).toBe(403);
    const signedOut = await fetch(action, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf }),
    });
    expect(signedOut.status).toBe(401);
    expect(await pendingCount(fixture)).toBe(1);

    // The real form works, and the rule's required reason reaches the agent.
    await page.reload();
    await queueRows(page).first().locator("input[name=reason]").fill("scope too broad");
    await Promise.all([page.waitForURL(/\/ui\/$/), queueRows(page).first().locator("button.deny").click()]);
    expect(await page.locator(".flash-ok").textContent()).toContain("Denied create_api_key for ci-bot");
    const result = await held;
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain("Rejected by ops-admin: scope too broad");
  });

  it("finds the approved call in the filtered history and shows its timeline", async () => {
    await agent.callTool({ name: "list_endpoints", arguments: {} });
    await agent.callTool({ name: "delete_endpoint", arguments: { name: "prod" } });
    await seedPastDecisions(fixture.database.url, seeded);
    await gateway.decisionLog.flush();

    await page.goto(`${gateway.url}/ui/history`);
    const chart = page.locator("svg.daily-chart");
    expect(await chart.getAttribute("role")).toBe("img");
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const allowBar = chart.locator(`rect[data-day="${threeDaysAgo}"][data-outcome="allow"]`);
    expect(await allowBar.getAttribute("data-count")).toBe(String(4 + ((3 * 7) % 9)));
    const barDays = await chart
      .locator("rect[data-day]")
      .evaluateAll((rects) => rects.map((rect) => rect.getAttribute("data-day")));
    expect(new Set(barDays).size).toBe(14);
    await page.screenshot({ path: path.join(screenshots, "ui-history.png"), fullPage: true });

    await page.fill("input[name=tool]", "create_api_key");
    await Promise.all([page.waitForURL(/tool=create_api_key/), page.click(".filters button[type=submit]")]);
    const tools = await page.locator("table.history tbody .tool").allTextContents();
    expect(tools.length).toBeGreaterThan(1);
    expect(new Set(tools)).toEqual(new Set(["create_api_key"]));
    const approved = page.locator("table.history tbody tr", { has: page.locator(".badge-approved") });
    expect(await approved.count()).toBe(1);

    await Promise.all([page.waitForURL(/\/ui\/decisions\//), approved.locator("a.tool").click()]);
    const kinds = await page
      .locator("[data-timeline] li")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-kind")));
    expect(kinds.filter((kind) => kind !== "upstream_outcome")).toEqual([
      "requested",
      "vote",
      "decided",
      "forwarded",
    ]);
    expect(await page.locator("[data-timeline]").textContent()).toContain("ops-admin");
    expect(await page.locator("dl.fields").first().textContent()).toContain(hostileName);
    await page.screenshot({ path: path.join(screenshots, "ui-decision.png"), fullPage: true });
  });

  it("signs out", async () => {
    await Promise.all([page.waitForURL(/\/ui\/login$/), page.click(".signout button")]);
    await page.goto(`${gateway.url}/ui/history`);
    expect(new URL(page.url()).pathname).toBe("/ui/login");
  });
});
