// The manifest core: parse, validate and resolve flourish.yaml. Editor-neutral (no 'vscode').
export * from './types';
export {
  parseManifest,
  ManifestParseCache,
  MAX_MANIFEST_CHARS,
  type ManifestDocument,
  type ParseOptions,
} from './parse';
export {
  checkManifest,
  loadManifest,
  ManifestError,
  formatProblem,
  type CheckOptions,
} from './check';
export { nodeFs, type ManifestFs } from './fs';
export {
  RUNTIMES,
  findRuntime,
  runtimeStatus,
  currentRuntimes,
  isoDay,
  type RuntimeInfo,
  type RuntimeFamily,
  type RuntimeStatus,
} from './runtimes';
export {
  LIMITS,
  LAMBDA_DEFAULTS,
  RESERVED_ENVIRONMENT_KEYS,
  ENVIRONMENT_KEY,
  DEFAULT_STAGE,
  DEFAULT_REGION,
  deployedName,
  environmentBytes,
} from './limits';
export {
  resolveHandler,
  listHandlerCandidates,
  handlerStub,
  runtimeFamily,
  type HandlerTarget,
  type HandlerExport,
} from './handlers';
export { handlerFormatError, splitHandler, type HandlerParts } from './handler-format';
export { scheduleError } from './schedule';
export { describeKey, type KeyDescription } from './describe';
export { manifestSchema, schemaAt, branches, type Schema } from './schema';
