import type { KeyPath } from "./key-path.js";

const MAX_SHOWN_LENGTH = 60;

// Values under these keys may be credentials: messages describe them without echoing them.
const SECRET_KEY = /token|secret|passw|credential|authori[sz]ation|cookie|private|api_?key/i;
const SECRET_CONTAINERS = new Set(["headers", "env"]);

/** How an offending value is shown in a message: quoted and shortened, or only described if it may be secret. */
export function describeFound(value: unknown, path: KeyPath): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  if (value === "") return "an empty string";
  if (mayBeSecret(value, path)) {
    return typeof value === "string"
      ? `a string of ${value.length} characters (not shown)`
      : `a ${typeof value} (not shown)`;
  }
  return typeof value === "string" ? JSON.stringify(shorten(value)) : String(value);
}

function mayBeSecret(value: unknown, path: KeyPath): boolean {
  const keys = path.filter((segment): segment is string => typeof segment === "string");
  if (keys.some((key) => SECRET_KEY.test(key) || SECRET_CONTAINERS.has(key))) return true;
  // A URL may carry a password in its user-info part.
  return keys.at(-1) === "url" && typeof value === "string" && value.includes("@");
}

function shorten(value: string): string {
  return value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH - 1)}…` : value;
}
