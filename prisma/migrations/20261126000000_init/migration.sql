-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "decisions" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "session_id" TEXT,
    "upstream" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "arguments" JSONB NOT NULL,
    "decision" TEXT NOT NULL,
    "rule_id" TEXT,
    "reason" TEXT,
    "outcome" TEXT,
    "latency_ms" INTEGER NOT NULL,
    "upstream_latency_ms" INTEGER,

    CONSTRAINT "decisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "decisions_agent_id_created_at_idx" ON "decisions"("agent_id", "created_at");

-- CreateIndex
CREATE INDEX "decisions_tool_created_at_idx" ON "decisions"("tool", "created_at");

-- CreateIndex
CREATE INDEX "decisions_upstream_tool_created_at_idx" ON "decisions"("upstream", "tool", "created_at");

-- CreateIndex
CREATE INDEX "decisions_decision_created_at_idx" ON "decisions"("decision", "created_at");

-- CreateIndex
CREATE INDEX "decisions_created_at_idx" ON "decisions"("created_at");
