export {
  createRedactor,
  circularMarker,
  maxStoredDepth,
  maxStoredStringLength,
  tooDeepMarker,
  type Redactor,
  type RedactorOptions,
} from "./redact.js";
export { redactedMarker, redactSecretsInText } from "./secret-patterns.js";
export { toStorableText, truncateText } from "./storable-text.js";
export {
  canonicalDecisionContent,
  chainHash,
  decisionHash,
  genesisHash,
  type ChainedDecisionFields,
} from "./chain.js";
export {
  verifyDecisionChain,
  type ChainAnchor,
  type ChainProblem,
  type ChainProblemKind,
  type ExpectedHead,
  type VerifyOptions,
  type VerifyReport,
} from "./verify.js";
export { pruneDecisions, type PruneOptions, type PruneResult } from "./retention.js";
export {
  startRetentionSchedule,
  type RetentionSchedule,
  type RetentionScheduleOptions,
} from "./retention-schedule.js";
