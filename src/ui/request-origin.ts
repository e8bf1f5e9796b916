import type { Request } from "express";

/** Whether the browser reached us over https, directly or through a TLS-terminating proxy. */
export function isHttps(req: Request): boolean {
  if (req.protocol === "https") return true;
  return firstValue(req.get("x-forwarded-proto"))?.toLowerCase() === "https";
}

/**
 * False when the request says it comes from another site: its `Origin` (or, without one,
 * its `Referer`) names a different host than the one it was sent to. Requests that carry
 * neither pass; the CSRF token still guards them.
 */
export function isSameOrigin(req: Request): boolean {
  const source = req.get("origin") ?? req.get("referer");
  if (source === undefined) return true;
  const host = firstValue(req.get("x-forwarded-host")) ?? req.get("host");
  if (!host) return false;
  try {
    return new URL(source).host.toLowerCase() === host.toLowerCase();
  } catch {
    // "null" (sandboxed frames, privacy-sensitive redirects) and garbage are not our origin.
    return false;
  }
}

function firstValue(header: string | undefined): string | undefined {
  const first = header?.split(",")[0]?.trim();
  return first ? first : undefined;
}
