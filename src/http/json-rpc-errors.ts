import type { ServerResponse } from "node:http";

/**
 * A JSON-RPC error response outside any MCP session (auth, routing, body problems). Written
 * on Node's own response, so that endpoints served with and without express share it.
 */
export function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}
