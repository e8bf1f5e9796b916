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

const credentialHolderSchema = (kind: string) =>
  withCheck(
    strictObject({
      id: scalar(text(`an ${kind} id`)),
      token: scalar(token).optional(),
      token_sha256: scalar(sha256Hex).optional(),
    }),
    checkOneCredential,
  );

/**
 * A list of token holders (agents, admins): ids unique, no two sharing a token, plain
 * tokens hashed at load and not kept.
 */
function credentialListSchema(kind: "agent" | "admin", nonEmpty: boolean) {
  return withCheck(
    list(credentialHolderSchema(kind), {
      expected: `a list of ${kind}s`,
      ...(nonEmpty && { nonEmpty: `at least one ${kind}` }),
    }),
    (value) => checkDistinct(value, kind),
  ).transform((holders) =>
    holders.map((holder): AgentConfig => ({
      id: holder.id,
      // The credential check guarantees one of the two.
      tokenSha256: holder.token === undefined ? (holder.token_sha256 ?? "") : sha256(holder.token),
    })),
  );
}

/** The `agents` list: who may call tools through the gateway. */
export const agentsSchema = credentialListSchema("agent", true);

/** The `admins` list: who may use the admin API and web page; optional. */
export const adminsSchema = credentialListSchema("admin", false);

function checkOneCredential(value: unknown): Finding[] {
  if (!isMapping(value) || (value.token === undefined) !== (value.token_sha256 === undefined)) return [];
  return [{ path: [], message: 'expected exactly one of "token" or "token_sha256"' }];
}

function checkDistinct(value: unknown, kind: string): Finding[] {
  if (!Array.isArray(value)) return [];
  const sameIds = findDuplicates(value, (holder) => stringField(holder, "id")).map(
    ({ index, first, key }) => ({
      path: [index, "id"],
      message: `duplicate ${kind} id ${JSON.stringify(key)}, already used by ${kind}s[${first}]`,
    }),
  );
  const sameTokens = findDuplicates(value, digestOf).map(({ index, first }) => ({
    path: [index],
    message: `uses the same token as ${kind}s[${first}]; each ${kind} needs its own token`,
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
