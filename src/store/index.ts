export { applyMigrations, type ApplyMigrationsOptions, type MigrationResult } from "./migrate.js";
export { createPrismaClient, type PrismaClientOptions } from "./prisma-client.js";
export { DecisionLog, type DecisionLogOptions, type DecisionRecord } from "./decision-log.js";
