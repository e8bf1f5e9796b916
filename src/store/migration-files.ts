import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { ErrorCode, GatewayError } from "../errors.js";

/** One `prisma/migrations/<name>/migration.sql`, in Prisma Migrate's layout. */
export interface MigrationFile {
  readonly name: string;
  readonly script: string;
  /** Lower-case hex SHA-256 of the file's bytes, as `prisma migrate` records it. */
  readonly checksum: string;
  /** Checksums the file also matches with its line endings converted (LF and CRLF checkouts). */
  readonly equivalentChecksums: readonly string[];
}

const scriptFileName = "migration.sql";
const lockFileName = "migration_lock.toml";

export function sha256Hex(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The migrations of a directory, in the order they apply (by name, like Prisma). */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    throw new GatewayError(ErrorCode.MigrationFailed, `cannot read migrations directory ${migrationsDir}`, {
      cause: error,
    });
  });
  await checkLockFile(migrationsDir);
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(names.map((name) => readMigrationFile(migrationsDir, name)));
}

async function readMigrationFile(migrationsDir: string, name: string): Promise<MigrationFile> {
  const file = path.join(migrationsDir, name, scriptFileName);
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new GatewayError(ErrorCode.MigrationFailed, `migration ${name} has no readable ${scriptFileName}`, {
      cause: error,
    });
  });
  const text = bytes.toString("utf8");
  const lf = text.replaceAll("\r\n", "\n");
  return {
    name,
    script: text,
    checksum: sha256Hex(bytes),
    equivalentChecksums: [sha256Hex(lf), sha256Hex(lf.replaceAll("\n", "\r\n"))],
  };
}

export function matchesChecksum(migration: MigrationFile, checksum: string): boolean {
  return checksum === migration.checksum || migration.equivalentChecksums.includes(checksum);
}

/** Prisma refuses migrations written for another provider; so do we. */
async function checkLockFile(migrationsDir: string): Promise<void> {
  const text = await readFile(path.join(migrationsDir, lockFileName), "utf8").catch(() => undefined);
  if (text === undefined) return;
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(text)?.[1];
  if (provider !== undefined && provider !== "postgresql") {
    throw new GatewayError(
      ErrorCode.MigrationFailed,
      `migrations in ${migrationsDir} are for provider "${provider}", not "postgresql"`,
    );
  }
}
