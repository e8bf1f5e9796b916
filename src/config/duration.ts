const MS_PER_UNIT = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

type DurationUnit = keyof typeof MS_PER_UNIT;

// Whole amounts only: fractions would invite rounding surprises in rate-limit windows.
const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)?$/;

/**
 * Milliseconds of a duration such as `500ms`, `60s`, `10m`, `2h` or `1d`; a bare non-negative
 * integer (number or digits) means seconds. Undefined when the value is not a duration.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return secondsToMs(value);
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? "s") as DurationUnit;
  return safeInteger(amount * MS_PER_UNIT[unit]);
}

function secondsToMs(seconds: number): number | undefined {
  if (!Number.isInteger(seconds) || seconds < 0) return undefined;
  return safeInteger(seconds * MS_PER_UNIT.s);
}

function safeInteger(value: number): number | undefined {
  return Number.isSafeInteger(value) ? value : undefined;
}
