import type { DecisionDetail, DecisionView, TimelineEvent } from "../audit/decision-query-types.js";

/** One decision on one line, for `audit list`. */
export function describeDecision(decision: DecisionView): string {
  return [
    decision.createdAt.toISOString(),
    decision.decision.padEnd(16),
    `${decision.agentId} -> ${decision.upstream}/${decision.tool}`,
    `rule=${decision.ruleId ?? "-"}`,
    decision.reviewers.length > 0 ? `reviewers=${decision.reviewers.join(",")}` : undefined,
    decision.reason ? `reason=${JSON.stringify(decision.reason)}` : undefined,
    decision.id,
  ]
    .filter((part) => part !== undefined)
    .join("  ");
}

/** A decision's fields, its arguments and its timeline, for `audit show`. */
export function describeDetail(detail: DecisionDetail): string {
  const fields: Array<[string, string | number | null]> = [
    ["id", detail.id],
    ["recorded", detail.createdAt.toISOString()],
    ["request", detail.requestId],
    ["agent", detail.agentId],
    ["session", detail.sessionId],
    ["call", `${detail.upstream}/${detail.tool}`],
    ["decision", detail.decision],
    ["rule", detail.ruleId],
    ["reason", detail.reason],
    ["outcome", detail.outcome],
    ["latency", `${detail.latencyMs} ms (upstream ${detail.upstreamLatencyMs ?? "-"} ms)`],
    ["approval", detail.approvalId ? `${detail.approvalId} (${detail.approvalStatus ?? "-"})` : null],
    ["reviewers", detail.reviewers.length > 0 ? detail.reviewers.join(", ") : null],
    [
      "shadow",
      detail.shadowDecision ? `${detail.shadowDecision} by rule ${detail.shadowRuleId ?? "-"}` : null,
    ],
    ["seq", detail.seq],
  ];
  const lines = fields
    .filter(([, value]) => value !== null)
    .map(([name, value]) => `${`${name}:`.padEnd(11)}${String(value)}`);
  lines.push("arguments:", indent(JSON.stringify(detail.arguments, null, 2) ?? "null"));
  lines.push("timeline:", ...detail.timeline.map(describeEvent));
  return lines.join("\n");
}

function describeEvent(event: TimelineEvent): string {
  const actor = event.actor ? ` (${event.actor})` : "";
  return `  ${event.at.toISOString()}  ${event.kind.padEnd(16)} ${event.detail}${actor}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
