import { describe, expect, it } from "vitest";
import { formatKeyPath } from "../../../src/config/key-path.js";

describe("formatKeyPath", () => {
  it("joins keys with dots and writes list indexes in brackets", () => {
    expect(formatKeyPath(["policy", "rules", 1, "rate_limit", "window"])).toBe(
      "policy.rules[1].rate_limit.window",
    );
    expect(formatKeyPath(["agents", 0])).toBe("agents[0]");
  });

  it("quotes keys that contain dots, spaces or other special characters", () => {
    expect(formatKeyPath(["policy", "rules", 0, "when", "args.operation", "in"])).toBe(
      'policy.rules[0].when["args.operation"].in',
    );
    expect(formatKeyPath(["upstreams", "bad name"])).toBe('upstreams["bad name"]');
    expect(formatKeyPath(["upstreams", 'quo"te'])).toBe('upstreams["quo\\"te"]');
  });

  it("writes names with dashes and underscores plainly, and an empty path as nothing", () => {
    expect(formatKeyPath(["upstreams", "my-tools_2", "env", "LOG_LEVEL"])).toBe(
      "upstreams.my-tools_2.env.LOG_LEVEL",
    );
    expect(formatKeyPath([])).toBe("");
  });
});
