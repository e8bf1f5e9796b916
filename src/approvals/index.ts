export {
  ApprovalStore,
  type ApprovalStoreOptions,
  type ApprovalListFilter,
  type ApprovalTransition,
  type NewApprovalRequest,
  type ReusableApprovalQuery,
} from "./approval-store.js";
export { argumentsHash, canonicalJson } from "./arguments-hash.js";
export type {
  ApprovalDecider,
  ApprovalNotifier,
  ApprovalRequest,
  ApprovalStatus,
  ApprovalVote,
  ReviewChannel,
  Vote,
  VoteInput,
  VoteResult,
} from "./types.js";
export { ApprovalService, type ApprovalServiceOptions, type HeldCall } from "./approval-service.js";
export { ApprovalJobs, type ApprovalJobName } from "./approval-jobs.js";
export {
  ApprovalSweep,
  approvalSweepIntervalMs,
  type ApprovalSweepOptions,
  type SweepReport,
} from "./approval-sweep.js";
export { DecisionWaiter, type WaitOptions, type WaitOutcome } from "./decision-waiter.js";
export {
  createApprovalService,
  type ApprovalServiceSetup,
  type RunningApprovalService,
} from "./create-approval-service.js";
