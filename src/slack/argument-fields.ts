import { mrkdwnText } from "./slack-text.js";

/** Longer values are cut: the message is for a decision, the audit log keeps the full call. */
export const maxArgumentValueLength = 200;
/** Slack allows at most 10 fields in one section. */
export const maxArgumentFields = 10;
const maxArgumentKeyLength = 80;

export interface ArgumentFields {
  /** mrkdwn `key: value` texts, at most {@link maxArgumentFields}. */
  readonly fields: readonly string[];
  /** How many arguments did not fit. */
  readonly hiddenCount: number;
}

/**
 * The call's arguments as readable `key: value` fields. Strings show as they are; other
 * values as compact JSON. Arguments that are not an object show as one `arguments` field.
 */
export function renderArgumentFields(args: unknown): ArgumentFields {
  const entries = argumentEntries(args);
  const shown = entries.slice(0, maxArgumentFields);
  return {
    fields: shown.map(([key, value]) => renderField(key, value)),
    hiddenCount: entries.length - shown.length,
  };
}

function argumentEntries(args: unknown): [string, unknown][] {
  if (args === undefined || args === null) return [];
  if (typeof args === "object" && !Array.isArray(args)) return Object.entries(args);
  return [["arguments", args]];
}

function renderField(key: string, value: unknown): string {
  return `*${mrkdwnText(key, maxArgumentKeyLength)}:* ${mrkdwnText(displayValue(value), maxArgumentValueLength)}`;
}

function displayValue(value: unknown): string {
  if (typeof value === "string") return value.length === 0 ? '""' : value;
  const json = JSON.stringify(value);
  // undefined, functions and symbols have no JSON form; arguments arrive as JSON, so this is rare.
  return json === undefined ? String(value) : json;
}
