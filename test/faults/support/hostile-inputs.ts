/**
 * What the hostile-input scenario throws at the gateway: request bodies no MCP client would
 * send, and policy files with values of the wrong type.
 */

/** A JSON-RPC body the gateway must refuse with a JSON-RPC error, never a 5xx or a crash. */
export interface MalformedBody {
  readonly label: string;
  readonly body: string;
}

export const malformedBodies: readonly MalformedBody[] = [
  { label: "not JSON", body: "{not json" },
  { label: "empty body", body: "" },
  { label: "JSON null", body: "null" },
  { label: "bare string", body: '"tools/call"' },
  { label: "batch of garbage", body: '[1, 2, "x", null, {}]' },
  { label: "batch of invalid requests", body: '[{"jsonrpc":"2.0","id":1},{"method":"tools/list"}]' },
  { label: "wrong jsonrpc version", body: '{"jsonrpc":"1.0","id":7,"method":"tools/list"}' },
  { label: "missing jsonrpc", body: '{"id":7,"method":"tools/list"}' },
  { label: "missing method", body: '{"jsonrpc":"2.0","id":8}' },
  { label: "method not a string", body: '{"jsonrpc":"2.0","id":9,"method":42}' },
  { label: "params not an object", body: '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":"nope"}' },
  {
    label: "arguments not an object",
    body: '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"echo","arguments":"x"}}',
  },
  {
    label: "tool name missing",
    body: '{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"arguments":{}}}',
  },
  {
    label: "tool name not a string",
    body: '{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":{"$gt":""}}}',
  },
  { label: "unknown method", body: '{"jsonrpc":"2.0","id":14,"method":"nope/nope"}' },
  { label: "id an object", body: '{"jsonrpc":"2.0","id":{"x":1},"method":"tools/list"}' },
];

/** A policy file with one value of the wrong type, and the key path the error must name. */
export interface BadPolicyCase {
  readonly label: string;
  readonly policy: string;
  readonly keyPath: string;
}

export const badPolicyCases: readonly BadPolicyCase[] = [
  { label: "rules not a list", policy: '{ default: allow, rules: "none" }', keyPath: "policy.rules" },
  {
    label: "rule not a mapping",
    policy: '{ default: allow, rules: ["deny all"] }',
    keyPath: "policy.rules[0]",
  },
  { label: "default a number", policy: "{ default: 1 }", keyPath: "policy.default" },
  {
    label: "action a number",
    policy: '{ default: allow, rules: [{ id: r, tool: "*", action: 42 }] }',
    keyPath: "policy.rules[0].action",
  },
  {
    label: "tool a list",
    policy: "{ default: allow, rules: [{ id: r, tool: [a, b], action: deny }] }",
    keyPath: "policy.rules[0].tool",
  },
  {
    label: "hide a string",
    policy: '{ default: allow, rules: [{ id: r, tool: "*", action: deny, hide: "yes" }] }',
    keyPath: "policy.rules[0].hide",
  },
  {
    label: "in a string",
    policy: '{ default: allow, rules: [{ id: r, tool: "*", action: deny, when: { args.x: { in: "x" } } }] }',
    keyPath: 'policy.rules[0].when["args.x"].in',
  },
  {
    label: "lt a list",
    policy: '{ default: allow, rules: [{ id: r, tool: "*", action: deny, when: { args.x: { lt: [1] } } }] }',
    keyPath: 'policy.rules[0].when["args.x"].lt',
  },
  {
    label: "regex a number",
    policy: '{ default: allow, rules: [{ id: r, tool: "*", action: deny, when: { args.x: { regex: 5 } } }] }',
    keyPath: 'policy.rules[0].when["args.x"].regex',
  },
  {
    label: "rate limit max a word",
    policy:
      '{ default: allow, rules: [{ id: r, tool: "*", action: rate_limit, rate_limit: { max: ten, window: 60s } }] }',
    keyPath: "policy.rules[0].rate_limit.max",
  },
  {
    label: "quorum a word",
    policy:
      '{ default: allow, rules: [{ id: r, tool: "*", action: require_approval, approval: { quorum: two } }] }',
    keyPath: "policy.rules[0].approval.quorum",
  },
  {
    label: "mode unknown",
    policy: '{ default: allow, rules: [{ id: r, tool: "*", action: deny, mode: loud }] }',
    keyPath: "policy.rules[0].mode",
  },
];

/** A config file that is valid apart from its `policy:` block. */
export function configWithPolicy(policy: string): string {
  return [
    "upstreams:",
    "  sagemaker: { command: node, args: [examples/upstream/server.js] }",
    "agents:",
    '  - { id: ci-bot, token: "ci-bot-token-0123456789abcdef" }',
    'redis: { url: "redis://127.0.0.1:1" }',
    'database: { url: "postgresql://gateway@127.0.0.1:1/gateway" }',
    `policy: ${policy}`,
    "",
  ].join("\n");
}

/** `[[[…]]]`, `depth` arrays deep, as JSON text (JSON.stringify cannot write it). */
export function deepArrays(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

/** `{"a":{"a":…1}}`, `depth` objects deep, as JSON text. */
export function deepObjects(depth: number): string {
  return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}
