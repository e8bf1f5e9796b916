import pg from "pg";
import { describeError, ErrorCode, GatewayError, isGatewayError } from "../errors.js";
import { matchesChecksum, readMigrationFiles, type MigrationFile } from "./migration-files.js";
import {
  ensureHistoryTable,
  isApplied,
  isFailed,
  migrationLockId,
  readHistory,
  recordFailureLogs,
  recordFinished,
  recordStarted,
  type MigrationRecord,
} from "./migration-history.js";
import { describeDatabaseError, isConnectionError } from "./pg-errors.js";

export interface ApplyMigrationsOptions {
  readonly databaseUrl: string;
  readonly migrationsDir: string;
  readonly log?: (line: string) => void;
}

export interface MigrationResult {
  /** Migrations applied by this run, in order. */
  readonly applied: string[];
  /** Migrations that were already applied before this run. */
  readonly alreadyApplied: string[];
}

const connectTimeoutMs = 10_000;

/**
 * Applies the pending migrations of `migrationsDir` the way `prisma migrate deploy` does,
 * recording them in `_prisma_migrations`, so either tool can take over from the other.
 * Replicas starting together serialise on Prisma's advisory lock.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<MigrationResult> {
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrationFiles(options.migrationsDir);
  const client = await connect(options.databaseUrl);
  try {
    return await withMigrationLock(client, log, () => migrate(client, migrations, log));
  } catch (error) {
    throw asGatewayError(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = createClient(databaseUrl);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new GatewayError(
      ErrorCode.DatabaseUnavailable,
      `cannot connect to the database: ${describeError(error)}`,
      { cause: error },
    );
  }
}

function createClient(databaseUrl: string): pg.Client {
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: connectTimeoutMs });
  } catch (error) {
    throw new GatewayError(ErrorCode.ConfigInvalid, `invalid database URL: ${describeError(error)}`, {
      cause: error,
    });
  }
  // Without a listener a dropped connection would crash the process; the failing query reports it.
  client.on("error", () => undefined);
  return client;
}

async function withMigrationLock<T>(
  client: pg.Client,
  log: (line: string) => void,
  run: () => Promise<T>,
): Promise<T> {
  const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
    migrationLockId,
  ]);
  if (!rows[0]?.locked) {
    log("Another process is applying migrations; waiting for it to finish");
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockId]);
  }
  try {
    return await run();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [migrationLockId]).catch(() => undefined);
  }
}

async function migrate(
  client: pg.Client,
  migrations: readonly MigrationFile[],
  log: (line: string) => void,
): Promise<MigrationResult> {
  await ensureHistoryTable(client);
  const history = await readHistory(client);
  refuseFailedAttempts(history);
  const appliedRecords = new Map(history.filter(isApplied).map((record) => [record.migrationName, record]));
  refuseEditedMigrations(migrations, appliedRecords);
  warnAboutUnknownMigrations(migrations, appliedRecords, log);

  const alreadyApplied = migrations.filter((m) => appliedRecords.has(m.name)).map((m) => m.name);
  const pending = migrations.filter((m) => !appliedRecords.has(m.name));
  if (pending.length === 0) log("No pending migrations");
  const applied: string[] = [];
  for (const migration of pending) {
    log(`Applying migration ${migration.name}`);
    await applyOne(client, migration);
    applied.push(migration.name);
  }
  return { applied, alreadyApplied };
}

function refuseFailedAttempts(history: readonly MigrationRecord[]): void {
  const failed = history.find(isFailed);
  if (!failed) return;
  throw new GatewayError(
    ErrorCode.MigrationFailed,
    `migration ${failed.migrationName} failed in an earlier attempt; no further migration is applied ` +
      `until it is resolved (fix the database, then \`prisma migrate resolve --rolled-back ` +
      `${failed.migrationName}\` or \`--applied ${failed.migrationName}\`)`,
  );
}

function refuseEditedMigrations(
  migrations: readonly MigrationFile[],
  applied: ReadonlyMap<string, MigrationRecord>,
): void {
  const edited = migrations.find((m) => {
    const record = applied.get(m.name);
    return record !== undefined && !matchesChecksum(m, record.checksum);
  });
  if (!edited) return;
  throw new GatewayError(
    ErrorCode.MigrationChecksumMismatch,
    `migration ${edited.name} was modified after it was applied; restore its original migration.sql`,
  );
}

function warnAboutUnknownMigrations(
  migrations: readonly MigrationFile[],
  applied: ReadonlyMap<string, MigrationRecord>,
  log: (line: string) => void,
): void {
  const known = new Set(migrations.map((m) => m.name));
  for (const name of applied.keys()) {
    if (!known.has(name)) log(`Migration ${name} is applied in the database but missing locally`);
  }
}

/**
 * The history row is written in the script's transaction, so a crash or lost connection
 * leaves no half-recorded attempt; a failing script is recorded afterwards, as Prisma does.
 */
async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const startedAt = new Date();
  try {
    await client.query("BEGIN");
    const id = await recordStarted(client, migration, startedAt);
    await client.query(migration.script);
    await recordFinished(client, id);
    await client.query("COMMIT");
  } catch (error) {
    // A failed ROLLBACK means the connection is gone: nothing was applied, nothing to record.
    await client.query("ROLLBACK").catch((rollbackError: unknown) => {
      throw asGatewayError(rollbackError);
    });
    await recordFailure(client, migration, startedAt, error);
    const { message } = describeDatabaseError(error);
    throw new GatewayError(ErrorCode.MigrationFailed, `migration ${migration.name} failed: ${message}`, {
      cause: error,
    });
  }
}

async function recordFailure(
  client: pg.Client,
  migration: MigrationFile,
  startedAt: Date,
  error: unknown,
): Promise<void> {
  const { code, message } = describeDatabaseError(error);
  const logs = [
    `Migration name: ${migration.name}`,
    ...(code === undefined ? [] : [`Database error code: ${code}`]),
    `Database error:\n${message}`,
  ].join("\n\n");
  const id = await recordStarted(client, migration, startedAt);
  await recordFailureLogs(client, id, logs);
}

function asGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const code = isConnectionError(error) ? ErrorCode.DatabaseUnavailable : ErrorCode.MigrationFailed;
  return new GatewayError(code, `migrating the database failed: ${describeError(error)}`, { cause: error });
}
