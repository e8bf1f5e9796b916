import path from "node:path";
import { loadConfig } from "../config/index.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { applyMigrations } from "../store/index.js";
import { packageRoot } from "../version.js";

/** Applies prisma/migrations the way `prisma migrate deploy` does, without its engine binary. */
export async function runMigrateCommand(options: { config?: string; databaseUrl?: string }): Promise<void> {
  const databaseUrl =
    options.databaseUrl ??
    (options.config ? loadConfig(options.config).database.url : process.env.DATABASE_URL);
  if (!databaseUrl) {
    throw new GatewayError(
      ErrorCode.ConfigInvalid,
      "No database to migrate: set DATABASE_URL, or pass --database-url or --config.",
    );
  }
  const result = await applyMigrations({
    databaseUrl,
    migrationsDir: path.join(packageRoot, "prisma", "migrations"),
    log: (line) => console.log(line),
  });
  console.log(
    result.applied.length === 0
      ? `Database is up to date (${result.alreadyApplied.length} migrations already applied).`
      : `Applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`,
  );
}
