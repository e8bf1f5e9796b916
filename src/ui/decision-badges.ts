import { html, type SafeHtml } from "./html.js";

/** A coloured label for a decision, approval status or outcome (class names are fixed words). */
export function badge(value: string | null): SafeHtml {
  if (!value) return html`<span class="muted">–</span>`;
  const known = /^[a-z_]+$/.test(value) ? value : "other";
  return html`<span class="badge badge-${known}">${value}</span>`;
}
