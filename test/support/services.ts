import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { inject } from "vitest";

/** The run-wide Redis started by the global setup. Isolate keys with {@link uniquePrefix}. */
export function sharedRedisUrl(): string {
  return inject("redisUrl");
}

/** A key prefix no other test uses. */
export function uniquePrefix(label = "t"): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the run-wide PostgreSQL server. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("databaseUrl");
  const name = `test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** A Redis server of a test's own, which the test may stop and start again on the same port. */
export interface OwnRedis {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "mag-redis-"));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: "ignore" },
    );
    await waitForPort(port);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill("SIGKILL");
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A PostgreSQL server of a test's own (from the machine's packages, through
 * scripts/local-services.sh), which the test may stop and start again on the same port and
 * data: a real server going away, which the run-wide one shared by other files cannot do.
 */
export interface OwnPostgres {
  /** The `gateway` database on it; dropping it is left to `dispose`. */
  readonly database: TestDatabase;
  /** A normal (fast) shutdown: sessions are ended, new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** Starts and stops the private Redis and PostgreSQL of test runs (see the script's header). */
export const servicesScript = path.resolve(import.meta.dirname, "../../scripts/local-services.sh");
const runScript = promisify(execFile);

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "mag-pg-"));
  const start = async (): Promise<void> => {
    await runScript("bash", [servicesScript, "start-postgres", dir, String(port)], { timeout: 120_000 });
  };
  const stop = async (): Promise<void> => {
    await runScript("bash", [servicesScript, "stop-postgres", dir], { timeout: 120_000 });
  };
  await start();
  return {
    database: {
      url: `postgresql://gateway@127.0.0.1:${port}/gateway`,
      name: "gateway",
      drop: async () => {},
    },
    start,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const { connect } = await import("node:net");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
