import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AdminConfig } from "../config/types.js";
import { AgentDirectory } from "../http/agent-auth.js";

/** A signed-in operator of the web page. */
export interface AdminSession {
  readonly adminId: string;
  readonly expiresAt: Date;
  /** The whole cookie value: what the CSRF token is bound to. */
  readonly cookieValue: string;
}

export const defaultSessionTtlMs = 12 * 60 * 60_000;
const cookieVersion = "v1";

/**
 * Stateless admin sessions: the cookie is `v1.<admin id>.<expiry>.<nonce>.<signature>`,
 * never the token. The HMAC key is derived from that admin's token digest, so every replica
 * verifies the same cookies without shared state or an extra secret, and changing or removing
 * an admin's token ends that admin's sessions. The cost of the choice: whoever can read the
 * digests in the configuration can mint sessions, so the configuration stays a secret. Being
 * stateless, signing out forgets the cookie in the browser; a copied cookie stays valid until
 * it expires, which the short lifetime and HttpOnly bound.
 */
export class AdminSessions {
  private readonly directory: AgentDirectory;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    admins: readonly AdminConfig[],
    private readonly ttlMs: number = defaultSessionTtlMs,
  ) {
    this.directory = new AgentDirectory(admins);
    this.keys = new Map(admins.map((admin) => [admin.id, sessionKey(admin.tokenSha256)]));
  }

  /** The admin id a token belongs to, or undefined. */
  authenticate(token: string): string | undefined {
    const trimmed = token.trim();
    if (!trimmed || /\s/.test(trimmed)) return undefined;
    return this.directory.authenticate(`Bearer ${trimmed}`)?.id;
  }

  /** A new session cookie value for a signed-in admin. */
  issue(adminId: string, now: Date = new Date()): AdminSession {
    const key = this.keys.get(adminId);
    if (!key) throw new RangeError(`unknown admin ${adminId}`);
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const payload = [
      cookieVersion,
      Buffer.from(adminId, "utf8").toString("base64url"),
      String(expiresAt.getTime()),
      randomBytes(16).toString("base64url"),
    ].join(".");
    const cookieValue = `${payload}.${sign(key, payload)}`;
    return { adminId, expiresAt, cookieValue };
  }

  /** The session a cookie value proves, or undefined when forged, expired or for a removed admin. */
  verify(cookieValue: string | undefined, now: Date = new Date()): AdminSession | undefined {
    const parts = cookieValue?.split(".") ?? [];
    if (parts.length !== 5 || parts[0] !== cookieVersion) return undefined;
    const [, encodedId = "", expiry = "", , signature = ""] = parts;
    const adminId = Buffer.from(encodedId, "base64url").toString("utf8");
    const key = this.keys.get(adminId);
    if (!key || !cookieValue) return undefined;
    const payload = parts.slice(0, 4).join(".");
    if (!sameText(signature, sign(key, payload))) return undefined;
    const expiresAt = new Date(Number(expiry));
    if (!/^\d+$/.test(expiry) || expiresAt.getTime() <= now.getTime()) return undefined;
    return { adminId, expiresAt, cookieValue };
  }

  /** The CSRF token every state-changing form of this session carries. */
  csrfToken(session: AdminSession): string {
    const key = this.keys.get(session.adminId);
    if (!key) throw new RangeError(`unknown admin ${session.adminId}`);
    return sign(key, `csrf.${session.cookieValue}`);
  }

  /** Whether a submitted CSRF token belongs to this session. */
  checkCsrfToken(session: AdminSession, submitted: unknown): boolean {
    return typeof submitted === "string" && sameText(submitted, this.csrfToken(session));
  }
}

function sessionKey(tokenSha256: string): Buffer {
  return createHmac("sha256", Buffer.from(tokenSha256, "hex"))
    .update("mcp-approval-gateway/ui-session")
    .digest();
}

function sign(key: Buffer, payload: string): string {
  return createHmac("sha256", key).update(payload, "utf8").digest("base64url");
}

/** Constant-time comparison of two short strings. */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
