// The embedded local cloud: a Lambda- and CloudWatch Logs-compatible endpoint on loopback.
export {
  startLocalCloud,
  LOCAL_ACCOUNT_ID,
  type LocalCloud,
  type LocalCloudOptions,
} from './cloud';
export {
  defaultStateDir,
  readLocalCloudInfo,
  localCloudClientConfig,
  type LocalCloudInfo,
  type LocalCloudClientConfig,
} from './info';
export {
  tailLocalLogs,
  LocalTailError,
  type TailOptions,
  type TailClientConfig,
} from './logs/tail-client';
export type { TailEvent } from './logs/log-store';
export { compileFilterPattern, FilterPatternError } from './logs/filter-pattern';
export type { InvocationEngine } from './lambda/invoker';
export type { FiredSchedule } from './scheduler/loop';
export { URL_PATH_PREFIX } from './urls/model';
