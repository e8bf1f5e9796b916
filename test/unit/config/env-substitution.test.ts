import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { substituteEnv, substituteString } from "../../../src/config/env-substitution.js";
import { parseConfig } from "../../../src/config/index.js";
import { minimalYaml, problemsOf } from "./config-fixtures.js";

describe("substituteString", () => {
  const env = { HOST: "db.internal", PORT: "5432", EMPTY: "" };

  it("replaces every ${NAME} with the variable's value", () => {
    expect(substituteString("postgres://${HOST}:${PORT}/x", env)).toEqual({
      text: "postgres://db.internal:5432/x",
      problems: [],
    });
  });

  it("uses the default of ${NAME:-default} when the variable is unset or empty, and the value otherwise", () => {
    expect(substituteString("${MISSING:-fallback}", env).text).toBe("fallback");
    expect(substituteString("${EMPTY:-fallback}", env).text).toBe("fallback");
    expect(substituteString("${HOST:-fallback}", env).text).toBe("db.internal");
    expect(substituteString("${MISSING:-}", env).text).toBe("");
    expect(substituteString("${MISSING:-a:b c-d}", env).text).toBe("a:b c-d");
  });

  it("reads $${ as a literal ${ and does not substitute what follows", () => {
    expect(substituteString("$${HOST} costs $5 and ${PORT}", env)).toEqual({
      text: "${HOST} costs $5 and 5432",
      problems: [],
    });
  });

  it("replaces a set but empty variable without default by the empty string", () => {
    expect(substituteString("[${EMPTY}]", env)).toEqual({ text: "[]", problems: [] });
  });

  it("reports an unset variable without default by name and leaves the reference as written", () => {
    expect(substituteString("Bearer ${API_TOKEN}", env)).toEqual({
      text: "Bearer ${API_TOKEN}",
      problems: ["environment variable API_TOKEN is not set"],
    });
  });

  it("reports malformed, unterminated and nested references", () => {
    expect(substituteString("${1BAD}", env).problems[0]).toMatch(/^malformed reference "\$\{1BAD\}"/);
    expect(substituteString("${HOST", env).problems[0]).toMatch(/^unterminated "\$\{"/);
    expect(substituteString("${A:-${B}}", env).problems[0]).toMatch(/nested reference/);
  });
});

describe("substituteEnv", () => {
  it("substitutes string values at any depth, never keys, and leaves other scalars alone", () => {
    const document = {
      "${KEY}": "${VALUE}",
      list: ["${VALUE}", 7, true, null, { deep: "x${VALUE}x" }],
    };
    const result = substituteEnv(document, { KEY: "k", VALUE: "v" });
    expect(result).toEqual({
      value: { "${KEY}": "v", list: ["v", 7, true, null, { deep: "xvx" }] },
      problems: [],
    });
  });

  it("names the key path of every value with an unset variable", () => {
    const result = substituteEnv(
      { agents: [{ token: "${A}" }, { token: "${B}" }], slack: { bot_token: "${A}" } },
      {},
    );
    expect(result.problems).toEqual([
      { path: ["agents", 0, "token"], message: "environment variable A is not set" },
      { path: ["agents", 1, "token"], message: "environment variable B is not set" },
      { path: ["slack", "bot_token"], message: "environment variable A is not set" },
    ]);
  });

  it("keeps a __proto__ key as an ordinary key", () => {
    const document: unknown = JSON.parse('{"__proto__": {"polluted": "${X}"}}');
    const { value } = substituteEnv(document, { X: "yes" });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toEqual({ polluted: "yes" });
  });
});

describe("environment substitution in a config file", () => {
  it("substitutes after parsing, so YAML syntax in a secret cannot break the file", () => {
    const yaml = minimalYaml.replace("a-token-of-sixteen-plus-chars", '"${CI_BOT_TOKEN}"');
    const awkward = "\"a: [b, 'c' } # not a comment\n- still the token";
    const config = parseConfig(yaml, "gateway.yaml", { CI_BOT_TOKEN: awkward });
    expect(config.agents).toEqual([
      { id: "ci-bot", tokenSha256: createHash("sha256").update(awkward).digest("hex") },
    ]);
  });

  it("reports an unset variable once, by key path and name, without also rejecting its value", () => {
    const yaml = minimalYaml.replace("a-token-of-sixteen-plus-chars", '"${CI_BOT_TOKEN}"');
    expect(problemsOf(() => parseConfig(yaml, "gateway.yaml", {}))).toEqual([
      "gateway.yaml: agents[0].token: environment variable CI_BOT_TOKEN is not set",
    ]);
  });

  it("turns substituted digits and words into numbers and booleans where the schema expects them", () => {
    const yaml = `${minimalYaml}server: { port: "\${GW_PORT}" }\npolicy:\n  rules:\n    - { id: r, tool: t, action: deny, hide: "\${HIDE:-true}" }\n`;
    const config = parseConfig(yaml, "gateway.yaml", { GW_PORT: "9999" });
    expect(config.server.port).toBe(9999);
    expect(config.policy.rules[0]?.hide).toBe(true);
  });
});
