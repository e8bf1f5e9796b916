import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import path from "node:path";
import { cliPath, repoRoot } from "./paths.js";

export interface ChildService {
  readonly url: string;
  /** The process id, e.g. to read its memory from /proc. */
  readonly pid: number;
  /** The last part of what the process wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const keptOutputChars = 16_000;

/** The example upstream over Streamable HTTP on a free port; `callLogPath` turns its call log on. */
export async function startExampleUpstream(callLogPath?: string): Promise<ChildService> {
  const port = await freePort();
  const script = path.join(repoRoot, "examples", "upstream", "http.js");
  const env: Record<string, string> = callLogPath ? { EXAMPLE_UPSTREAM_CALL_LOG: callLogPath } : {};
  const child = spawnService([script, "--port", String(port), "--host", "127.0.0.1"], env);
  return awaitService(child, port, `http://127.0.0.1:${port}/mcp`);
}

export interface NodeProcessOptions {
  /** Flags for node itself, before the script (e.g. `--import` of a preload). */
  readonly nodeArgs?: readonly string[];
  readonly env?: Record<string, string>;
}

/** The built CLI (`mcp-approval-gateway start`) as a process of its own, on the config's port. */
export async function startGatewayProcess(
  configPath: string,
  port: number,
  options: NodeProcessOptions = {},
): Promise<ChildService> {
  const child = spawnService([...(options.nodeArgs ?? []), cliPath, "start", "--config", configPath], {
    ...options.env,
  });
  return awaitService(child, port, `http://127.0.0.1:${port}`, 20_000);
}

/** Any node script as a service that is ready once `port` accepts connections. */
export async function startNodeService(
  args: readonly string[],
  ready: { port: number; url: string },
  options: NodeProcessOptions = {},
): Promise<ChildService> {
  const child = spawnService([...(options.nodeArgs ?? []), ...args], { ...options.env });
  return awaitService(child, ready.port, ready.url, 20_000);
}

function spawnService(args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function awaitService(
  child: ChildProcess,
  port: number,
  url: string,
  timeoutMs = 10_000,
): Promise<ChildService> {
  let output = "";
  // Reading the pipes keeps a chatty child from blocking on a full pipe buffer.
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-keptOutputChars);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const service = { url, pid: child.pid ?? -1, output: () => output, stop: () => stopProcess(child) };
  try {
    await waitForPort(port, timeoutMs);
  } catch (error) {
    await service.stop();
    throw new Error(`${describe(error)}; process output:\n${output}`);
  }
  return service;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isOpen(port))) {
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
