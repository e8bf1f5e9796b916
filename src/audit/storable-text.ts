// Lone UTF-16 surrogates cannot be encoded as UTF-8, so Postgres rejects them (and NUL) in
// text and jsonb; one such value would make its whole batch fail on every retry.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with the characters Postgres cannot store replaced by U+FFFD. */
export function toStorableText(text: string): string {
  return text.replaceAll("\u0000", "\uFFFD").replace(loneSurrogate, "\uFFFD");
}

/**
 * The text cut to `maxLength` UTF-16 units, saying how much was cut. Never splits a
 * surrogate pair, which would leave an unstorable half.
 */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const endsInPair = /[\uD800-\uDBFF]/.test(text.charAt(maxLength - 1));
  const cut = endsInPair ? maxLength - 1 : maxLength;
  return `${text.slice(0, cut)}…[truncated ${text.length - cut} chars]`;
}
