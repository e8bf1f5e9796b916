import { createHash } from "node:crypto";
import type { AgentConfig } from "../config/types.js";

/** An authenticated caller of the MCP endpoints. */
export interface Agent {
  readonly id: string;
}

/**
 * Resolves bearer tokens to agents. Only SHA-256 digests are held, so a memory dump or a
 * log line never carries a usable token. Looking the digest up in a map leaks no useful
 * timing: an attacker cannot choose the digest's bytes without knowing a token.
 */
export class AgentDirectory {
  private readonly byDigest: ReadonlyMap<string, Agent>;

  constructor(agents: readonly AgentConfig[]) {
    this.byDigest = new Map(agents.map((agent) => [agent.tokenSha256, { id: agent.id }]));
  }

  /** The agent for an `Authorization` header value, or undefined when missing or unknown. */
  authenticate(authorization: string | undefined): Agent | undefined {
    const token = bearerToken(authorization);
    if (!token) return undefined;
    return this.byDigest.get(createHash("sha256").update(token, "utf8").digest("hex"));
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
}
