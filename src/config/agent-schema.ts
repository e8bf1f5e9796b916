import { createHash } from "node:crypto";
import {
  findDuplicates,
  isMapping,
  list,
  scalar,
  strictObject,
  stringField,
  withCheck,
  type Finding,
} from "./field-schemas.js";
import { sha256Hex, text } from "./scalar-kinds.js";
import type { AgentConfig } from "./types.js";

const MIN_TOKEN_LENGTH = 16;

const token = text(`a token of at least ${MIN_TOKEN_LENGTH} characters`, MIN_TOKEN_LENGTH);

const agentSchema = withCheck(
  strictObject({
    id: scalar(text("an agent id")),
    token: scalar(token).optional(),
    token_sha256: scalar(sha256Hex).optional(),
  }),
  checkOneCredential,
);

/** The `agents` list: at least one, ids unique, no two agents sharing a token. */
export const agentsSchema = withCheck(
  list(agentSchema, { expected: "a list of agents", nonEmpty: "at least one agent" }),
  checkAgentsDistinct,
).transform((agents) =>
  agents.map((agent): AgentConfig => ({
    id: agent.id,
    // The credential check guarantees one of the two; plain tokens are not kept past this point.
    tokenSha256: agent.token === undefined ? (agent.token_sha256 ?? "") : sha256(agent.token),
  })),
);

function checkOneCredential(value: unknown): Finding[] {
  if (!isMapping(value) || (value.token === undefined) !== (value.token_sha256 === undefined)) return [];
  return [{ path: [], message: 'expected exactly one of "token" or "token_sha256"' }];
}

function checkAgentsDistinct(value: unknown): Finding[] {
  if (!Array.isArray(value)) return [];
  const sameIds = findDuplicates(value, (agent) => stringField(agent, "id")).map(({ index, first, key }) => ({
    path: [index, "id"],
    message: `duplicate agent id ${JSON.stringify(key)}, already used by agents[${first}]`,
  }));
  const sameTokens = findDuplicates(value, digestOf).map(({ index, first }) => ({
    path: [index],
    message: `uses the same token as agents[${first}]; each agent needs its own token`,
  }));
  return [...sameIds, ...sameTokens];
}

function digestOf(agent: unknown): string | undefined {
  const plain = stringField(agent, "token");
  return plain === undefined ? stringField(agent, "token_sha256")?.toLowerCase() : sha256(plain);
}

function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
