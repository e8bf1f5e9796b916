/** `2024-05-01 12:03:04 UTC`: one unambiguous form for every time on the page. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A compact duration: `850 ms`, `42s`, `3m 12s`, `5h 2m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${Math.round(abs)} ms`;
  const seconds = Math.floor(abs / 1_000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

const maxArgumentsLength = 4_000;

/** Arguments as indented JSON for a `<pre>`, cut short when huge. */
export function formatArguments(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value ?? null, null, 2) ?? "null";
  } catch {
    text = String(value);
  }
  return text.length > maxArgumentsLength ? `${text.slice(0, maxArgumentsLength)}\n…` : text;
}
