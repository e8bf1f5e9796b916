/** Where a value sits in the config document: mapping keys and list indexes from the top. */
export type KeyPath = readonly PropertyKey[];

// Keys that read unambiguously after a dot; anything else is quoted, like when["args.operation"].
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** A key path as users write it: `policy.rules[1].when["args.operation"]`. */
export function formatKeyPath(path: KeyPath): string {
  return path.map((segment, index) => formatSegment(segment, index === 0)).join("");
}

function formatSegment(segment: PropertyKey, first: boolean): string {
  if (typeof segment === "number") return `[${segment}]`;
  if (typeof segment === "symbol") return `[${String(segment)}]`;
  if (PLAIN_KEY.test(segment)) return first ? segment : `.${segment}`;
  return `[${JSON.stringify(segment)}]`;
}
