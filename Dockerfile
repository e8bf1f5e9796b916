# Compiles the TypeScript and generates the Prisma client.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts only download Prisma's native schema engine, which nothing here runs:
# scripts/prisma-generate.sh generates the client without it, and migrations are applied
# by the gateway itself. Skipping them keeps the build independent of Prisma's download host.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

# Production dependencies only. The Prisma CLI is an optional peer of @prisma/client, and npm
# keeps such packages under --omit=dev alone; omitting optional too leaves out the CLI and its
# ~120 packages. The only runtime package that also drops is msgpackr's native accelerator,
# which has a pure JavaScript fallback.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
# PORT is the server port when the config file sets none; the health check follows it.
ENV NODE_ENV=production PORT=8080
WORKDIR /app
# Application files stay owned by root so the unprivileged process cannot rewrite them.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json marks dist/ as ES modules, and the gateway finds prisma/migrations beside it.
COPY package.json ./
COPY prisma ./prisma
COPY examples ./examples
USER node
EXPOSE 8080
# The slim image has no curl; Node's fetch does the probe.
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli/bin.js"]
CMD ["start", "--config", "/etc/mcp-approval-gateway/gateway.yaml"]
