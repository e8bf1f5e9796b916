#!/usr/bin/env node
// The Streamable HTTP entry: one transport and one server instance per MCP session.
// stdout carries only the "listening ..." line; logs go to stderr.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { parseArgs } from "node:util";
import express from "express";
import { localhostHostValidation } from "@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { createUpstreamServer } from "./tools.js";

/**
 * @typedef {import("express").Request} Request
 * @typedef {import("express").Response} Response
 * @typedef {import("express").NextFunction} NextFunction
 */

// Room for the big arguments `echo` is used to measure with.
const MAX_BODY = "64mb";
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"];

/** @type {Map<string, StreamableHTTPServerTransport>} */
const sessions = new Map();

/** @param {string} line */
const logLine = (line) => process.stderr.write(`[example-sagemaker] ${line}\n`);

/** @param {number} code @param {string} message */
const jsonRpcError = (code, message) => ({ jsonrpc: "2.0", error: { code, message }, id: null });

function parseOptions() {
  const { values } = parseArgs({
    options: { port: { type: "string" }, host: { type: "string", default: "127.0.0.1" } },
  });
  const rawPort = values.port ?? process.env.PORT ?? "9000";
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) throw new Error(`invalid port: ${rawPort}`);
  return { port, host: values.host };
}

/** @param {string} value */
const sha256 = (value) => createHash("sha256").update(value).digest();

/**
 * Rejects requests without `Authorization: Bearer <token>`.
 * @param {string} token
 */
function requireBearer(token) {
  const expected = sha256(`Bearer ${token}`);
  /** @param {Request} req @param {Response} res @param {NextFunction} next */
  return (req, res, next) => {
    // Comparing digests keeps the comparison constant-time whatever the header's length.
    if (timingSafeEqual(sha256(req.get("authorization") ?? ""), expected)) return next();
    res.status(401).set("WWW-Authenticate", "Bearer").json(jsonRpcError(-32001, "Unauthorized"));
  };
}

async function openSession() {
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: randomUUID,
    onsessioninitialized: (sessionId) => {
      sessions.set(sessionId, transport);
      logLine(`session ${sessionId} opened`);
    },
  });
  transport.onclose = () => {
    if (transport.sessionId && sessions.delete(transport.sessionId)) {
      logLine(`session ${transport.sessionId} closed`);
    }
  };
  await createUpstreamServer().connect(transport);
  return transport;
}

/** @param {Request} req @param {Response} res */
async function handlePost(req, res) {
  if (req.get("mcp-session-id")) return forwardToSession(req, res);
  if (!isInitializeRequest(req.body)) {
    res.status(400).json(jsonRpcError(-32000, "Bad Request: No valid session ID provided"));
    return;
  }
  const transport = await openSession();
  await transport.handleRequest(req, res, req.body);
}

/** Hands GET, DELETE and in-session POST requests to the session's transport. */
async function forwardToSession(/** @type {Request} */ req, /** @type {Response} */ res) {
  const sessionId = req.get("mcp-session-id");
  if (!sessionId) {
    res.status(400).json(jsonRpcError(-32000, "Bad Request: Mcp-Session-Id header is required"));
    return;
  }
  const transport = sessions.get(sessionId);
  if (!transport) {
    res.status(404).json(jsonRpcError(-32001, "Session not found"));
    return;
  }
  await transport.handleRequest(req, res, req.body);
}

/**
 * Answers body-parser and handler failures in JSON-RPC shape rather than express's HTML page.
 * @param {Error & { status?: number }} error @param {Request} _req @param {Response} res @param {NextFunction} next
 */
function handleError(error, _req, res, next) {
  if (res.headersSent) return next(error);
  const status = error.status ?? 500;
  if (status >= 500) {
    logLine(`request failed: ${error.stack ?? error.message}`);
    res.status(status).json(jsonRpcError(-32603, "Internal server error"));
    return;
  }
  res.status(status).json(jsonRpcError(status === 400 ? -32700 : -32000, error.message));
}

/** @param {string} host */
function createApp(host) {
  const app = express();
  app.disable("x-powered-by");
  // DNS rebinding protection, as the MCP transport spec asks of servers bound to loopback.
  if (LOOPBACK_HOSTS.includes(host)) app.use(localhostHostValidation());
  const token = process.env.EXAMPLE_UPSTREAM_TOKEN;
  if (token) app.use("/mcp", requireBearer(token));
  app.use(express.json({ limit: MAX_BODY }));
  app.post("/mcp", handlePost);
  app.get("/mcp", forwardToSession);
  app.delete("/mcp", forwardToSession);
  app.use(handleError);
  return app;
}

/** @param {import("node:http").Server} httpServer */
function closeOnSignals(httpServer) {
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await Promise.allSettled([...sessions.values()].map((transport) => transport.close()));
    httpServer.close(() => process.exit(0));
    httpServer.closeAllConnections();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

function main() {
  const { port, host } = parseOptions();
  const httpServer = createApp(host).listen(port, host, (error) => {
    if (error) {
      logLine(`cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    const address = httpServer.address();
    const boundPort = typeof address === "object" && address ? address.port : port;
    const urlHost = host.includes(":") ? `[${host}]` : host;
    process.stdout.write(`listening http://${urlHost}:${boundPort}/mcp\n`);
  });
  closeOnSignals(httpServer);
}

main();
