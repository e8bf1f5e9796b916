import { describe, expect, it } from "vitest";
import { historySearch, parseHistoryQuery } from "../../../src/ui/history-query.js";

describe("the history page's filters", () => {
  it("maps every form field onto the decision filter and leaves empty ones out", () => {
    const query = parseHistoryQuery({
      agent: "ci-bot",
      upstream: " sagemaker ",
      tool: "create_api_key",
      decision: "require_approval",
      reviewer: "ops-admin",
      from: "2024-05-01",
      to: "2024-05-03",
      q: "credentials",
      cursor: "abc",
    });
    expect(query.problems).toEqual([]);
    expect(query.cursor).toBe("abc");
    expect(query.filter).toEqual({
      agent: "ci-bot",
      upstream: "sagemaker",
      tool: "create_api_key",
      decision: "require_approval",
      reviewer: "ops-admin",
      from: new Date("2024-05-01T00:00:00Z"),
      // A day in "to" includes that whole day: the bound is exclusive.
      to: new Date("2024-05-04T00:00:00Z"),
      text: "credentials",
    });
    expect(parseHistoryQuery({ agent: "", q: "  " }).filter).toEqual({});
  });

  it("accepts timestamps as given and reports what it cannot read instead of failing", () => {
    const query = parseHistoryQuery({ from: "2024-05-01T10:30:00Z", to: "yesterday", decision: "maybe" });
    expect(query.filter).toEqual({ from: new Date("2024-05-01T10:30:00Z") });
    expect(query.problems).toEqual([
      '"to" is not a date (use YYYY-MM-DD or an ISO timestamp).',
      'Unknown decision "maybe".',
    ]);
  });

  it("uses the first of repeated parameters and ignores non-text values", () => {
    expect(parseHistoryQuery({ tool: ["echo", "other"], agent: { nested: "x" } }).filter).toEqual({
      tool: "echo",
    });
  });

  it("keeps the filters in the links to other pages", () => {
    const { form } = parseHistoryQuery({ tool: "create api/key", decision: "deny" });
    expect(historySearch(form)).toBe("?tool=create+api%2Fkey&decision=deny");
    expect(historySearch(form, "next")).toBe("?tool=create+api%2Fkey&decision=deny&cursor=next");
    expect(historySearch(parseHistoryQuery({}).form)).toBe("");
  });
});
