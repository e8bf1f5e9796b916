import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AdminSessions } from "../../../src/ui/admin-sessions.js";

const token = "ops-admin-token-0123456789";
const otherToken = "sec-admin-token-9876543210";
const digest = (value: string) => createHash("sha256").update(value).digest("hex");
const admins = [
  { id: "ops-admin", tokenSha256: digest(token) },
  { id: "sec.admin", tokenSha256: digest(otherToken) },
];
const now = new Date("2024-05-01T10:00:00Z");

describe("admin sessions", () => {
  const sessions = new AdminSessions(admins, 60_000);

  it("signs in with an admin token only", () => {
    expect(sessions.authenticate(token)).toBe("ops-admin");
    expect(sessions.authenticate(` ${otherToken} `)).toBe("sec.admin");
    expect(sessions.authenticate("ci-bot-token-0123456789abcdef")).toBeUndefined();
    expect(sessions.authenticate(`${token} extra`)).toBeUndefined();
    expect(sessions.authenticate("")).toBeUndefined();
  });

  it("issues a cookie that carries neither the token nor its digest, and verifies it until it expires", () => {
    const session = sessions.issue("sec.admin", now);
    expect(session.cookieValue).not.toContain(otherToken);
    expect(session.cookieValue).not.toContain(digest(otherToken));
    expect(sessions.verify(session.cookieValue, new Date(now.getTime() + 59_000))?.adminId).toBe("sec.admin");
    expect(sessions.verify(session.cookieValue, new Date(now.getTime() + 60_000))).toBeUndefined();
  });

  it("rejects forged, altered and foreign cookies", () => {
    const { cookieValue } = sessions.issue("ops-admin", now);
    const parts = cookieValue.split(".");
    const later = String(now.getTime() + 10 * 60_000);
    const asOther = Buffer.from("sec.admin").toString("base64url");
    expect(sessions.verify([parts[0], parts[1], later, parts[3], parts[4]].join("."), now)).toBeUndefined();
    expect(sessions.verify([parts[0], asOther, parts[2], parts[3], parts[4]].join("."), now)).toBeUndefined();
    expect(sessions.verify(`${cookieValue}x`, now)).toBeUndefined();
    expect(sessions.verify(undefined, now)).toBeUndefined();
    expect(sessions.verify("garbage", now)).toBeUndefined();
    // Another gateway's admins (or this admin with a rotated token) do not share the key.
    const rotated = new AdminSessions([{ id: "ops-admin", tokenSha256: digest("rotated-token-0123456789") }]);
    expect(rotated.verify(cookieValue, now)).toBeUndefined();
  });

  it("verifies the same cookie on every replica with the same admins", () => {
    const { cookieValue } = sessions.issue("ops-admin", now);
    expect(new AdminSessions(admins, 60_000).verify(cookieValue, now)?.adminId).toBe("ops-admin");
  });
});

describe("CSRF tokens", () => {
  const sessions = new AdminSessions(admins);

  it("accept the token of the session and nothing else", () => {
    const session = sessions.issue("ops-admin", now);
    const other = sessions.issue("ops-admin", now);
    const csrf = sessions.csrfToken(session);
    expect(sessions.checkCsrfToken(session, csrf)).toBe(true);
    expect(sessions.checkCsrfToken(other, csrf)).toBe(false);
    expect(sessions.checkCsrfToken(session, sessions.csrfToken(other))).toBe(false);
    expect(sessions.checkCsrfToken(session, undefined)).toBe(false);
    expect(sessions.checkCsrfToken(session, "")).toBe(false);
    expect(sessions.checkCsrfToken(session, `${csrf}a`)).toBe(false);
    expect(sessions.checkCsrfToken(session, [csrf])).toBe(false);
  });

  it("stays the same for a session across replicas", () => {
    const session = sessions.issue("sec.admin", now);
    expect(new AdminSessions(admins).csrfToken(session)).toBe(sessions.csrfToken(session));
  });
});
