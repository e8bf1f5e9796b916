import { randomUUID } from "node:crypto";
import type pg from "pg";

/** A row of `_prisma_migrations`, the table `prisma migrate` keeps its history in. */
export interface MigrationRecord {
  readonly id: string;
  readonly migrationName: string;
  readonly checksum: string;
  readonly finishedAt: Date | null;
  readonly rolledBackAt: Date | null;
  readonly logs: string | null;
}

/** Same lock id as `prisma migrate`, so the gateway and the Prisma CLI exclude each other too. */
export const migrationLockId = 72707369;

// Prisma's own DDL for PostgreSQL, column for column, so the Prisma CLI can take over.
const createHistoryTable = `CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function ensureHistoryTable(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ exists: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`,
  );
  if (!rows[0]?.exists) await client.query(createHistoryTable);
}

export async function readHistory(client: pg.Client): Promise<MigrationRecord[]> {
  const { rows } = await client.query<MigrationRecord>(
    `SELECT id, migration_name AS "migrationName", checksum, finished_at AS "finishedAt",
            rolled_back_at AS "rolledBackAt", logs
       FROM "_prisma_migrations" ORDER BY started_at ASC`,
  );
  return rows;
}

/** Inserts the row of a migration that is being applied; returns its id. */
export async function recordStarted(
  client: pg.Client,
  migration: { name: string; checksum: string },
  startedAt: Date,
): Promise<string> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, $4)`,
    [id, migration.checksum, migration.name, startedAt],
  );
  return id;
}

export async function recordFinished(client: pg.Client, id: string): Promise<void> {
  await client.query(
    `UPDATE "_prisma_migrations"
        SET finished_at = now(), applied_steps_count = applied_steps_count + 1
      WHERE id = $1`,
    [id],
  );
}

export async function recordFailureLogs(client: pg.Client, id: string, logs: string): Promise<void> {
  await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, logs]);
}

export function isApplied(record: MigrationRecord): boolean {
  return record.finishedAt !== null && record.rolledBackAt === null;
}

/** An attempt that neither finished nor was marked rolled back: someone has to look at it. */
export function isFailed(record: MigrationRecord): boolean {
  return record.finishedAt === null && record.rolledBackAt === null;
}
