import type { DecisionFilter } from "../audit/decision-query-types.js";

/** The filter form's fields, exactly as submitted (for re-filling the form and links). */
export interface HistoryForm {
  readonly agent: string;
  readonly upstream: string;
  readonly tool: string;
  readonly decision: string;
  readonly reviewer: string;
  readonly from: string;
  readonly to: string;
  readonly q: string;
}

export interface HistoryQuery {
  readonly form: HistoryForm;
  readonly filter: DecisionFilter;
  readonly cursor: string | undefined;
  /** What could not be understood; those fields are ignored. */
  readonly problems: readonly string[];
}

export const decisionKinds = ["allow", "deny", "rate_limited", "require_approval", "unavailable"] as const;

const formFields = ["agent", "upstream", "tool", "decision", "reviewer", "from", "to", "q"] as const;
const maxFieldLength = 200;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads the history page's query string. Dates are days (UTC) or ISO timestamps; a day in
 * `to` includes that whole day, as people read "to 3 May".
 */
export function parseHistoryQuery(query: Record<string, unknown>): HistoryQuery {
  const field = (name: (typeof formFields)[number]) => firstText(query[name]).trim().slice(0, maxFieldLength);
  const form: HistoryForm = {
    agent: field("agent"),
    upstream: field("upstream"),
    tool: field("tool"),
    decision: field("decision"),
    reviewer: field("reviewer"),
    from: field("from"),
    to: field("to"),
    q: field("q"),
  };
  const problems: string[] = [];
  const from = parseBound(form.from, "from", false, problems);
  const to = parseBound(form.to, "to", true, problems);
  if (form.decision && !(decisionKinds as readonly string[]).includes(form.decision)) {
    problems.push(`Unknown decision "${form.decision}".`);
  }
  const filter: DecisionFilter = {
    ...(form.agent ? { agent: form.agent } : {}),
    ...(form.upstream ? { upstream: form.upstream } : {}),
    ...(form.tool ? { tool: form.tool } : {}),
    ...(form.decision && (decisionKinds as readonly string[]).includes(form.decision)
      ? { decision: form.decision }
      : {}),
    ...(form.reviewer ? { reviewer: form.reviewer } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(form.q ? { text: form.q } : {}),
  };
  const cursor = firstText(query.cursor).trim();
  return { form, filter, cursor: cursor ? cursor : undefined, problems };
}

/** The query string for these filters (empty ones left out), optionally with a cursor. */
export function historySearch(form: HistoryForm, cursor?: string): string {
  const params = new URLSearchParams();
  for (const field of formFields) if (form[field]) params.set(field, form[field]);
  if (cursor) params.set("cursor", cursor);
  const text = params.toString();
  return text ? `?${text}` : "";
}

function parseBound(value: string, name: string, endOfDay: boolean, problems: string[]): Date | undefined {
  if (!value) return undefined;
  const date = new Date(dayPattern.test(value) ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    problems.push(`"${name}" is not a date (use YYYY-MM-DD or an ISO timestamp).`);
    return undefined;
  }
  if (endOfDay && dayPattern.test(value)) date.setUTCDate(date.getUTCDate() + 1);
  return date;
}

function firstText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  return "";
}
