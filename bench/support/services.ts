import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../../src/store/index.js";
import { migrationsDir, servicesScript } from "./paths.js";

export interface BenchServices {
  readonly redisUrl: string;
  /** A server-level URL; each run makes a database of its own on it. */
  readonly databaseUrl: string;
  stop(): void;
}

/** Redis and PostgreSQL from REDIS_URL and DATABASE_URL, or a private pair started for this run. */
export function startServices(): BenchServices {
  const given = { redis: process.env.REDIS_URL, database: process.env.DATABASE_URL };
  if (given.redis && given.database) {
    return { redisUrl: given.redis, databaseUrl: given.database, stop: () => undefined };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "mag-bench-services-"));
  const output = execFileSync("bash", [servicesScript, "start", dir], { encoding: "utf8" });
  const urls = new Map(
    output
      .trim()
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string]),
  );
  const redisUrl = urls.get("REDIS_URL");
  const databaseUrl = urls.get("DATABASE_URL");
  if (!redisUrl || !databaseUrl) throw new Error(`local-services.sh printed no URLs:\n${output}`);
  return {
    redisUrl,
    databaseUrl,
    stop: () => {
      execFileSync("bash", [servicesScript, "stop", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh database on the server of `serverUrl`, with every migration applied. */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `bench_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await applyMigrations({ databaseUrl: url.toString(), migrationsDir });
  return {
    url: url.toString(),
    drop: async () => {
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
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
