import { redactSecretsInText } from "../audit/index.js";

/**
 * Text shown in Slack comes partly from the agent (tool names, arguments), so every
 * dynamic string passes through here: secrets are redacted (a second line of defence
 * after the audit redactor) and mrkdwn control characters are escaped, so an argument
 * like `<!channel>` cannot ping a channel or forge a link.
 */

/** Slack's mrkdwn reserves only these three characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The text cut to `maxLength` characters with a trailing "…", never splitting a surrogate pair. */
export function cutText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const endsInPair = /[\uD800-\uDBFF]/.test(text.charAt(maxLength - 2));
  return `${text.slice(0, endsInPair ? maxLength - 2 : maxLength - 1)}…`;
}

/** Dynamic text for a `plain_text` object: redacted and cut (Slack does not parse it). */
export function plainText(text: string, maxLength: number): string {
  return cutText(redactSecretsInText(text), maxLength);
}

/** Dynamic text for a `mrkdwn` object: redacted, cut, then escaped. */
export function mrkdwnText(text: string, maxLength: number): string {
  return escapeMrkdwn(cutText(redactSecretsInText(text), maxLength));
}

/** A date every viewer sees in their own time zone; the ISO form is the fallback. */
export function slackDate(date: Date): string {
  const unixSeconds = Math.floor(date.getTime() / 1000);
  return `<!date^${unixSeconds}^{date_short_pretty} {time}|${date.toISOString()}>`;
}

/** A mention of a Slack user id; ids are checked so a crafted id cannot inject markup. */
export function userMention(userId: string): string {
  return /^[A-Z0-9]+$/i.test(userId) ? `<@${userId}>` : mrkdwnText(userId, 100);
}

/** A short human duration: `45s`, `10m`, `1h 30m`, `2d 3h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const units: readonly [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [label, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${label}`);
  }
  // The two largest units are enough for people; "1h 30m 5s" is noise.
  return parts.length === 0 ? "0s" : parts.slice(0, 2).join(" ");
}
