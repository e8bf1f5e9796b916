import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/errors.js";
import { applyMigrations } from "../../../src/store/migrate.js";
import { createEmptyDatabase, freePort, withClient, type TestDatabase } from "../../support/services.js";

const migrationsDir = path.resolve(import.meta.dirname, "../../../prisma/migrations");
const migrationNames = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

function fileChecksum(dir: string, name: string): string {
  return createHash("sha256")
    .update(readFileSync(path.join(dir, name, "migration.sql")))
    .digest("hex");
}

async function history(url: string): Promise<HistoryRow[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<HistoryRow>(
      `SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
    );
    return rows;
  });
}

async function tableExists(url: string, table: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [
      table,
    ]);
    return rows[0]?.found ?? false;
  });
}

describe("applyMigrations", () => {
  let database: TestDatabase;
  let scratch: string;

  beforeEach(async () => {
    database = await createEmptyDatabase();
    scratch = mkdtempSync(path.join(tmpdir(), "mag-migrations-"));
  });

  afterEach(async () => {
    await database.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A copy of the real migrations plus `extra` migrations, which the test may then edit. */
  function migrationsCopy(extra: Record<string, string> = {}): string {
    const dir = path.join(scratch, "migrations");
    cpSync(migrationsDir, dir, { recursive: true });
    for (const [name, sql] of Object.entries(extra)) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, "migration.sql"), sql);
    }
    return dir;
  }

  it("applies every migration to an empty database and records it as Prisma does", async () => {
    const lines: string[] = [];
    const result = await applyMigrations({
      databaseUrl: database.url,
      migrationsDir,
      log: (l) => lines.push(l),
    });

    expect(migrationNames.length).toBeGreaterThan(0);
    expect(result).toEqual({ applied: migrationNames, alreadyApplied: [] });
    expect(lines).toContain(`Applying migration ${migrationNames[0]}`);
    expect(await tableExists(database.url, "decisions")).toBe(true);

    const rows = await history(database.url);
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(fileChecksum(migrationsDir, row.migration_name));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("creates _prisma_migrations with Prisma's own column definitions", async () => {
    await applyMigrations({ databaseUrl: database.url, migrationsDir });
    const columns = await withClient(database.url, async (client) => {
      const { rows } = await client.query<Record<string, string | null>>(
        `SELECT column_name, data_type, character_maximum_length::text AS length, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      return rows.map((row) => Object.values(row).join(" "));
    });
    expect(columns).toEqual([
      "id character varying 36 NO ",
      "checksum character varying 64 NO ",
      "finished_at timestamp with time zone  YES ",
      "migration_name character varying 255 NO ",
      "logs text  YES ",
      "rolled_back_at timestamp with time zone  YES ",
      "started_at timestamp with time zone  NO now()",
      "applied_steps_count integer  NO 0",
    ]);
    const primaryKey = await withClient(database.url, (client) =>
      client.query(`SELECT indexdef FROM pg_indexes WHERE tablename = '_prisma_migrations'`),
    );
    expect(primaryKey.rows).toEqual([
      { indexdef: expect.stringMatching(/UNIQUE INDEX _prisma_migrations_pkey .*\(id\)$/) },
    ]);
  });

  it("applies nothing the second time", async () => {
    await applyMigrations({ databaseUrl: database.url, migrationsDir });
    const before = await history(database.url);

    const lines: string[] = [];
    const result = await applyMigrations({
      databaseUrl: database.url,
      migrationsDir,
      log: (l) => lines.push(l),
    });

    expect(result).toEqual({ applied: [], alreadyApplied: migrationNames });
    expect(lines).toContain("No pending migrations");
    expect(await history(database.url)).toEqual(before);
  });

  it("lets exactly one of two concurrent runs apply the migrations", async () => {
    const results = await Promise.all([
      applyMigrations({ databaseUrl: database.url, migrationsDir }),
      applyMigrations({ databaseUrl: database.url, migrationsDir }),
    ]);

    const appliers = results.filter((result) => result.applied.length > 0);
    const waiters = results.filter((result) => result.applied.length === 0);
    expect(appliers).toEqual([{ applied: migrationNames, alreadyApplied: [] }]);
    expect(waiters).toEqual([{ applied: [], alreadyApplied: migrationNames }]);
    expect((await history(database.url)).map((row) => row.migration_name)).toEqual(migrationNames);
  });

  it("refuses to go on when an applied migration was edited", async () => {
    const dir = migrationsCopy();
    await applyMigrations({ databaseUrl: database.url, migrationsDir: dir });
    const edited = migrationNames[0] ?? "";
    appendFileSync(path.join(dir, edited, "migration.sql"), "\n-- edited later\n");

    await expect(applyMigrations({ databaseUrl: database.url, migrationsDir: dir })).rejects.toMatchObject({
      code: ErrorCode.MigrationChecksumMismatch,
      message: expect.stringContaining(edited),
    });
  });

  it("accepts an applied migration whose only change is CRLF line endings", async () => {
    const dir = migrationsCopy();
    await applyMigrations({ databaseUrl: database.url, migrationsDir: dir });
    const file = path.join(dir, migrationNames[0] ?? "", "migration.sql");
    writeFileSync(file, readFileSync(file, "utf8").replaceAll("\n", "\r\n"));

    const result = await applyMigrations({ databaseUrl: database.url, migrationsDir: dir });
    expect(result.alreadyApplied).toEqual(migrationNames);
  });

  describe("with a migration that fails", () => {
    const broken = "29990101000000_broken";
    const brokenSql = `CREATE TABLE "made_before_the_error" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n`;

    it("records the failure with finished_at NULL, rolls its changes back and throws MigrationFailed", async () => {
      const dir = migrationsCopy({ [broken]: brokenSql });

      await expect(applyMigrations({ databaseUrl: database.url, migrationsDir: dir })).rejects.toMatchObject({
        code: ErrorCode.MigrationFailed,
        message: expect.stringMatching(new RegExp(`${broken}.*no_such_table`)),
      });

      const rows = await history(database.url);
      expect(rows.map((row) => row.migration_name)).toEqual([...migrationNames, broken]);
      const failed = rows.find((row) => row.migration_name === broken);
      expect(failed).toMatchObject({
        finished_at: null,
        rolled_back_at: null,
        applied_steps_count: 0,
        checksum: fileChecksum(dir, broken),
        logs: expect.stringMatching(/42P01[\s\S]*no_such_table/),
      });
      expect(rows.filter((row) => row.migration_name !== broken).every((row) => row.finished_at)).toBe(true);
      expect(await tableExists(database.url, "made_before_the_error")).toBe(false);
    });

    it("refuses every later run, even with the script fixed, until the failure is resolved", async () => {
      const dir = migrationsCopy({ [broken]: brokenSql });
      await applyMigrations({ databaseUrl: database.url, migrationsDir: dir }).catch(() => undefined);
      writeFileSync(path.join(dir, broken, "migration.sql"), `CREATE TABLE "fixed" ("id" INTEGER);\n`);

      await expect(applyMigrations({ databaseUrl: database.url, migrationsDir: dir })).rejects.toMatchObject({
        code: ErrorCode.MigrationFailed,
        message: expect.stringContaining(broken),
      });
      expect(await tableExists(database.url, "fixed")).toBe(false);

      // What `prisma migrate resolve --rolled-back` does; then the fixed script applies.
      await withClient(database.url, (client) =>
        client.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`, [
          broken,
        ]),
      );
      const result = await applyMigrations({ databaseUrl: database.url, migrationsDir: dir });
      expect(result).toEqual({ applied: [broken], alreadyApplied: migrationNames });
      expect(await tableExists(database.url, "fixed")).toBe(true);
    });
  });

  it("refuses migrations written for another provider", async () => {
    const dir = migrationsCopy();
    writeFileSync(path.join(dir, "migration_lock.toml"), 'provider = "mysql"\n');

    await expect(applyMigrations({ databaseUrl: database.url, migrationsDir: dir })).rejects.toMatchObject({
      code: ErrorCode.MigrationFailed,
      message: expect.stringContaining("mysql"),
    });
    expect(await tableExists(database.url, "_prisma_migrations")).toBe(false);
  });

  it("reports an unreachable server as DatabaseUnavailable", async () => {
    const url = `postgresql://gateway@127.0.0.1:${await freePort()}/gateway`;
    await expect(applyMigrations({ databaseUrl: url, migrationsDir })).rejects.toMatchObject({
      code: ErrorCode.DatabaseUnavailable,
    });
  });

  it("reports a malformed database URL as ConfigInvalid", async () => {
    await expect(applyMigrations({ databaseUrl: "postgresql://[bad", migrationsDir })).rejects.toMatchObject({
      code: ErrorCode.ConfigInvalid,
    });
  });

  it("reports a database that does not exist as DatabaseUnavailable", async () => {
    const url = new URL(database.url);
    url.pathname = "/no_such_database_here";
    await expect(applyMigrations({ databaseUrl: url.toString(), migrationsDir })).rejects.toMatchObject({
      code: ErrorCode.DatabaseUnavailable,
    });
  });
});
