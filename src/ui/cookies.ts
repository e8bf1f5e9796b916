import type { Request, Response } from "express";
import { isHttps } from "./request-origin.js";

export const sessionCookieName = "mag_session";
export const loginCookieName = "mag_login";
export const flashCookieName = "mag_flash";

/** The named cookie of the request, undefined when absent or malformed. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Sets a cookie of the web page: HttpOnly, SameSite=Strict, scoped to the page's path, and
 * Secure whenever the browser reached us over https (directly or through a proxy).
 */
export function setCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  options: { maxAgeSeconds?: number } = {},
): void {
  const attributes = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${cookiePath(req)}`,
    "HttpOnly",
    "SameSite=Strict",
  ];
  if (options.maxAgeSeconds !== undefined) attributes.push(`Max-Age=${Math.floor(options.maxAgeSeconds)}`);
  if (isHttps(req)) attributes.push("Secure");
  res.append("Set-Cookie", attributes.join("; "));
}

export function clearCookie(req: Request, res: Response, name: string): void {
  setCookie(req, res, name, "", { maxAgeSeconds: 0 });
}

function cookiePath(req: Request): string {
  return req.baseUrl || "/";
}
