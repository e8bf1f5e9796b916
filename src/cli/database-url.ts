import { loadConfig } from "../config/index.js";
import { ErrorCode, GatewayError } from "../errors.js";

export interface DatabaseUrlOptions {
  readonly config?: string;
  readonly databaseUrl?: string;
}

/** The database a maintenance command works on: `--database-url`, the config's, or DATABASE_URL. */
export function resolveDatabaseUrl(options: DatabaseUrlOptions, purpose: string): string {
  const databaseUrl =
    options.databaseUrl ??
    (options.config ? loadConfig(options.config).database.url : process.env.DATABASE_URL);
  if (!databaseUrl) {
    throw new GatewayError(
      ErrorCode.ConfigInvalid,
      `No database to ${purpose}: set DATABASE_URL, or pass --database-url or --config.`,
    );
  }
  return databaseUrl;
}
