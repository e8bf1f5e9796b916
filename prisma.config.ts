import { defineConfig } from "prisma/config";

// The CLI is only used to generate the client; migrations are applied by the gateway itself.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
