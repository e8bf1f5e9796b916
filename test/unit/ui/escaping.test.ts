import { describe, expect, it } from "vitest";
import { renderDecisionPage } from "../../../src/ui/decision-page.js";
import { escapeHtml, html } from "../../../src/ui/html.js";
import { renderLoginPage } from "../../../src/ui/login-page.js";
import { renderQueuePage } from "../../../src/ui/queue-page.js";
import { context, decisionDetail, hostile, pendingRequest } from "./fixtures.js";

const escapedHostile = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;";

/** Markup that would run or inject if a data value had reached the page unescaped. */
function expectInert(markup: string): void {
  expect(markup).not.toContain("<script>alert");
  expect(markup).not.toContain("<img");
  expect(markup).not.toMatch(/<script(?![^>]*\bsrc="\/ui\/app\.js")/);
}

describe("html templates", () => {
  it("escapes the characters that end text, attributes or templates", () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;",
    );
  });

  it("escapes interpolated text but keeps nested templates, lists and skips empty values", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(
      html`<p title="${'"quoted"'}">${inner}${["<", html`<br />`]}${null}${undefined}${false}${0}</p>`.value,
    ).toBe(`<p title="&quot;quoted&quot;"><b>&lt;i&gt;</b>&lt;<br />0</p>`);
  });
});

describe("pages render data as text", () => {
  it("keeps a script in the arguments, votes and names of a pending request inert", () => {
    const request = pendingRequest({
      agentId: hostile,
      tool: hostile,
      ruleId: hostile,
      arguments: { name: hostile, [hostile]: 1 },
      quorum: 2,
      votes: [
        {
          reviewerId: "x",
          reviewerName: hostile,
          channel: "slack",
          vote: "approve",
          reason: hostile,
          createdAt: new Date("2024-05-01T10:01:00Z"),
        },
      ],
    });
    const page = renderQueuePage(context, [request], new Date("2024-05-01T10:02:00Z")).value;
    expectInert(page);
    expect(page).toContain(escapedHostile);
    expect(page).toContain('name="csrf" value="csrf-token-value"');
  });

  it("keeps a script in a decision's reason, arguments and timeline inert", () => {
    const detail = decisionDetail({
      reason: hostile,
      arguments: { note: hostile },
      timeline: [{ at: new Date("2024-05-01T10:01:00Z"), kind: "vote", actor: hostile, detail: hostile }],
    });
    const page = renderDecisionPage(context, detail).value;
    expectInert(page);
    expect(page).toContain(escapedHostile);
    expect(page.match(/data-kind="vote"/g)).toHaveLength(1);
  });

  it("shows a flash message and a sign-in error as text", () => {
    const page = renderQueuePage(
      { ...context, flash: { kind: "error", text: hostile } },
      [],
      new Date(),
    ).value;
    expectInert(page);
    expect(page).toContain(escapedHostile);
    const login = renderLoginPage({ base: "/ui", loginToken: `"><script>`, error: hostile }).value;
    expectInert(login);
    expect(login).toContain('value="&quot;&gt;&lt;script&gt;"');
  });
});
