-- AlterTable
ALTER TABLE "decisions" ADD COLUMN     "approval_id" UUID,
ADD COLUMN     "approval_status" TEXT,
ADD COLUMN     "approval_wait_ms" INTEGER,
ADD COLUMN     "reviewers" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "approval_requests" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "session_id" TEXT,
    "upstream" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "arguments" JSONB NOT NULL,
    "arguments_hash" TEXT NOT NULL,
    "rule_id" TEXT NOT NULL,
    "channel" TEXT,
    "approvers" TEXT[],
    "quorum" INTEGER NOT NULL,
    "on_timeout" TEXT NOT NULL,
    "require_reason_on_deny" BOOLEAN NOT NULL,
    "slack_channel" TEXT,
    "slack_message_ts" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" TEXT,
    "decision_reason" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "execution_outcome" TEXT,

    CONSTRAINT "approval_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_votes" (
    "id" UUID NOT NULL,
    "approval_id" UUID NOT NULL,
    "reviewer_id" TEXT NOT NULL,
    "reviewer_name" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "vote" TEXT NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_votes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "approval_requests_status_expires_at_idx" ON "approval_requests"("status", "expires_at");

-- CreateIndex
CREATE INDEX "approval_requests_agent_id_upstream_tool_arguments_hash_cre_idx" ON "approval_requests"("agent_id", "upstream", "tool", "arguments_hash", "created_at");

-- CreateIndex
CREATE INDEX "approval_requests_created_at_idx" ON "approval_requests"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "approval_votes_approval_id_reviewer_id_key" ON "approval_votes"("approval_id", "reviewer_id");

-- CreateIndex
CREATE INDEX "decisions_approval_id_idx" ON "decisions"("approval_id");

-- AddForeignKey
ALTER TABLE "approval_votes" ADD CONSTRAINT "approval_votes_approval_id_fkey" FOREIGN KEY ("approval_id") REFERENCES "approval_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;
