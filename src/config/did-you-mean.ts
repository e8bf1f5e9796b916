/** The candidate a mistyped word most likely meant (`prot` → `port`, `maxBody` → `max_body`). */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const wanted = normalise(word);
  const exact = candidates.find((candidate) => normalise(candidate) === wanted);
  if (exact !== undefined) return exact;
  const allowed = wanted.length <= 4 ? 1 : 2;
  let best: { readonly candidate: string; readonly distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalise(candidate));
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

// Case and separators are the commonest slips (camelCase for snake_case keys).
function normalise(word: string): string {
  return word.toLowerCase().replace(/[_-]/g, "");
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
