/** What replaces a secret. */
export const redactedMarker = "[REDACTED]";

interface SecretPattern {
  readonly pattern: RegExp;
  readonly replacement: string;
}

// Only shapes that are secrets by construction: generic "high-entropy string" detection
// redacts ids, hashes and file names too often to be worth it.
const secretPatterns: readonly SecretPattern[] = [
  // A block cut off before its END line is still a key.
  {
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g,
    replacement: redactedMarker,
  },
  { pattern: /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, replacement: `$1${redactedMarker}` },
  { pattern: /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g, replacement: redactedMarker },
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replacement: redactedMarker },
  { pattern: /\bsk-[A-Za-z0-9_-]{16,}/g, replacement: redactedMarker },
  { pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{8,}/g, replacement: redactedMarker },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, replacement: redactedMarker },
];

/**
 * The text with every well-known secret shape replaced: bearer tokens, JWTs, AWS access
 * key ids, OpenAI/Anthropic/Stripe/Slack tokens and PEM private keys.
 */
export function redactSecretsInText(text: string): string {
  let result = text;
  for (const { pattern, replacement } of secretPatterns) result = result.replace(pattern, replacement);
  return result;
}
