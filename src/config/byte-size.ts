const BYTES_PER_UNIT = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

type SizeUnit = keyof typeof BYTES_PER_UNIT;

const SIZE_PATTERN = /^(\d+)(b|kb|mb|gb)?$/;

/**
 * Bytes of a size such as `512kb`, `4mb` or `1gb` (units of 1024, case-insensitive); a bare
 * non-negative integer means bytes. Undefined when the value is not a size.
 */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const match = SIZE_PATTERN.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const bytes = Number(match[1]) * BYTES_PER_UNIT[(match[2] ?? "b") as SizeUnit];
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
