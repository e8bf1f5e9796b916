import { describe, expect, it } from "vitest";
import { parseByteSize } from "../../../src/config/byte-size.js";
import { parseDuration } from "../../../src/config/index.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["60s", 60_000],
    ["10m", 600_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["0s", 0],
    [" 15s ", 15_000],
  ])("reads %j as %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("reads a bare non-negative integer as seconds, as a number or as digits", () => {
    expect(parseDuration(30)).toBe(30_000);
    expect(parseDuration("30")).toBe(30_000);
    expect(parseDuration(0)).toBe(0);
  });

  it.each(["sixty", "10x", "-5s", "1.5s", "", "10 m", "m", "5M", "9007199254740993d"])(
    "rejects %j",
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER])(
    "rejects the number %d",
    (seconds) => {
      expect(parseDuration(seconds)).toBeUndefined();
    },
  );
});

describe("parseByteSize", () => {
  it.each([
    ["512kb", 512 * 1024],
    ["4mb", 4 * 1024 * 1024],
    ["4MB", 4 * 1024 * 1024],
    ["1gb", 1024 ** 3],
    ["100b", 100],
    ["2048", 2048],
  ])("reads %j as %i bytes", (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it("reads a bare integer as bytes and rejects anything else", () => {
    expect(parseByteSize(1000)).toBe(1000);
    expect(parseByteSize(-1)).toBeUndefined();
    expect(parseByteSize(1.5)).toBeUndefined();
    expect(parseByteSize("lots")).toBeUndefined();
    expect(parseByteSize("4 tb")).toBeUndefined();
  });
});
