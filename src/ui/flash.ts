import type { Request, Response } from "express";
import { clearCookie, flashCookieName, readCookie, setCookie } from "./cookies.js";
import type { Flash } from "./layout.js";

const flashLifetimeSeconds = 60;
const maxFlashLength = 500;

/** Remembers a message for the page the browser is redirected to next. */
export function setFlash(req: Request, res: Response, flash: Flash): void {
  const value = Buffer.from(JSON.stringify({ ...flash, text: flash.text.slice(0, maxFlashLength) })).toString(
    "base64url",
  );
  setCookie(req, res, flashCookieName, value, { maxAgeSeconds: flashLifetimeSeconds });
}

/** The remembered message, shown once. Rendered as text, so a crafted cookie cannot inject markup. */
export function takeFlash(req: Request, res: Response): Flash | undefined {
  const value = readCookie(req, flashCookieName);
  if (value === undefined) return undefined;
  clearCookie(req, res, flashCookieName);
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown;
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { kind, text } = parsed as Record<string, unknown>;
    if ((kind !== "ok" && kind !== "error") || typeof text !== "string") return undefined;
    return { kind, text: text.slice(0, maxFlashLength) };
  } catch {
    return undefined;
  }
}
