import type { Response } from "express";

/** A JSON-RPC error response outside any MCP session (auth, routing, body problems). */
export function sendJsonRpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}
