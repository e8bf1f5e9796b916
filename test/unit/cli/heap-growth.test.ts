import { describe, expect, it } from "vitest";
import { limitHeapGrowth } from "../../../src/cli/heap-growth.js";

describe("limitHeapGrowth", () => {
  it("sets the gateway's heap growth when node was started without one", () => {
    expect(limitHeapGrowth([])).toBe(true);
    expect(limitHeapGrowth(["--enable-source-maps", "--max-old-space-size=512"])).toBe(true);
  });

  it("leaves a growth the operator gave node alone, in either spelling", () => {
    expect(limitHeapGrowth(["--heap-growing-percent=50"])).toBe(false);
    expect(limitHeapGrowth(["--heap_growing_percent=50"])).toBe(false);
  });
});
