#!/usr/bin/env node
// A small MCP client that talks to the gateway the way an agent would, and prints what
// the gateway decided for each call.
//   node examples/client/demo-client.js [--url http://127.0.0.1:8080/mcp/sagemaker] [--token TOKEN]
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080/mcp/sagemaker" },
    token: { type: "string", default: process.env.DEMO_AGENT_TOKEN ?? "demo-agent-token-change-me" },
  },
});

const client = new Client({ name: "demo-agent", version: "1.0.0" });
await client.connect(
  new StreamableHTTPClientTransport(new URL(values.url), {
    requestInit: { headers: { Authorization: `Bearer ${values.token}` } },
  }),
);

const { tools } = await client.listTools();
console.log(`tools/list: ${tools.map((tool) => tool.name).join(", ")}`);

const calls = [
  ["list_endpoints", {}],
  ["describe_endpoint", { endpoint_name: "ep-alpha" }],
  ["delete_endpoint", { endpoint_name: "ep-alpha" }],
  ["manage_hyperpod_stacks", { operation: "delete", stack_name: "training" }],
  ["manage_hyperpod_stacks", { operation: "describe", stack_name: "training" }],
  ...Array.from({ length: 9 }, () => ["list_endpoints", {}]),
];

for (const [name, args] of calls) {
  const result = await client.callTool({ name, arguments: args });
  const text = result.content
    .map((item) => item.text ?? "")
    .join(" ")
    .replace(/\s+/g, " ");
  const verdict = result.isError ? "REFUSED" : "ok     ";
  console.log(`${verdict} ${name} ${JSON.stringify(args)}\n        ${text.slice(0, 160)}`);
}

await client.close();
