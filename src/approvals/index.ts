export {
  ApprovalStore,
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
