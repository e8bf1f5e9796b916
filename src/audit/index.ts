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
