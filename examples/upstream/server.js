#!/usr/bin/env node
// The stdio entry: stdout carries the protocol, so everything else goes to stderr.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createUpstreamServer } from "./tools.js";

// Room for the big arguments `echo` is used to measure with.
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const server = createUpstreamServer();
const transport = new StdioServerTransport(process.stdin, process.stdout, {
  maxBufferSize: MAX_MESSAGE_BYTES,
});

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  await server.close().catch((error) => process.stderr.write(`[example-sagemaker] close failed: ${error}\n`));
  process.exit(0);
}

process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
process.stdin.on("end", shutdown);

await server.connect(transport);
process.stderr.write("[example-sagemaker] serving MCP on stdio\n");
