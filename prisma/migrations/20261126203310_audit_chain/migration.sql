-- AlterTable
ALTER TABLE "decisions" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prev_hash" TEXT,
ADD COLUMN     "seq" BIGINT,
ADD COLUMN     "shadow_decision" TEXT,
ADD COLUMN     "shadow_rule_id" TEXT;

-- AlterTable
ALTER TABLE "approval_requests" ADD COLUMN     "slack_posted_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "audit_anchors" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seq" BIGINT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "pruned_count" INTEGER NOT NULL,
    "pruned_until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_anchors_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_anchors_seq_idx" ON "audit_anchors"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "decisions_seq_key" ON "decisions"("seq");
