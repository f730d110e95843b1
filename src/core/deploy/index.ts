// Deploy, versions, rollback and invoke on any CloudProvider. Editor-neutral: progress
// arrives through callbacks, cancellation through AbortSignal.
export { DeployError, type DeployErrorCode } from './errors';
export {
  configurationFingerprint,
  desiredConfiguration,
  diffConfiguration,
  diffRecords,
  type FieldDifference,
} from './configuration';
export {
  decideFunction,
  detectDrift,
  versionHolds,
  type DeployedState,
  type DesiredFunction,
  type Drift,
  type FunctionDecision,
  type PlanAction,
} from './decide';
export {
  findFunction,
  planDeploy,
  readDeployedState,
  selectFunctions,
  type DeployPlan,
  type FunctionPlan,
  type PackageSummary,
  type PlanOptions,
  type PlanProgress,
} from './plan';
export {
  applyDeploy,
  type ApplyOptions,
  type DeployEvent,
  type DeployResult,
  type DeployStep,
  type FunctionOutcome,
  type OutcomeStatus,
} from './apply';
export { formatDifference, formatPlan } from './format';
export { formatBytes } from './bytes';
export {
  formatVersionDescription,
  parseVersionDescription,
  type VersionMetadata,
} from './versionMetadata';
export { gitRevision, type GitRevision } from './git';
export { listVersions, type VersionInfo } from './versions';
export { rollback, type RollbackOptions, type RollbackResult } from './rollback';
export {
  invokeFunction,
  readRequestLog,
  type InvocationResult,
  type InvokeFunctionOptions,
} from './invoke';
export {
  hasEventChanges,
  planEvents,
  type EventsOutcome,
  type EventsPlan,
  type UrlPlan,
} from './events';
export {
  corsFor,
  decideUrl,
  desiredUrl,
  streamsResponse,
  type DesiredUrl,
  type UrlAction,
} from './urls';
export {
  decideSchedules,
  desiredSchedules,
  scheduleName,
  SCHEDULE_GROUP,
  type ScheduleAction,
  type ScheduleChange,
} from './schedules';
export {
  executionRoleSpec,
  isRoleNotAssumable,
  retryWhileRoleNotAssumable,
  roleName,
  schedulerRoleSpec,
  type RolePlan,
  type RolePurpose,
} from './roles';
export { managedTags, ownedBy, TAG_MANAGED, TAG_SERVICE, TAG_STAGE } from './ownership';
export {
  applyRemove,
  formatRemovePlan,
  isEmptyRemovePlan,
  planRemove,
  type RemoveEvent,
  type RemoveFunction,
  type RemoveKind,
  type RemoveOptions,
  type RemovePlan,
  type RemoveResult,
  type RemoveRole,
  type RemoveSkipped,
} from './remove';
export { describeStage, type FunctionInfo, type StageInfo } from './info';
