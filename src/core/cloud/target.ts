// Where deploy, invoke and logs go: the local cloud on this machine, or AWS (or anything that
// speaks its API, such as LocalStack, given an endpoint). Both are the same AWS SDK code path.
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import {
  loadConfig,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
} from '@smithy/core/config';
import {
  defaultStateDir,
  LOCAL_ACCOUNT_ID,
  localCloudClientConfig,
  readLocalCloudInfo,
  type LocalCloudInfo,
} from '../local';
import { DEFAULT_REGION } from '../manifest/limits';
import type { Manifest } from '../manifest/types';
import { AwsLambdaProvider } from './aws/lambdaProvider';
import { CloudError } from './errors';
import { localTailSource } from './localTail';
import type { CloudProvider, TargetKind } from './provider';

export interface TargetOptions {
  /** Default: the manifest's `provider.name`. */
  target?: TargetKind;
  /** Named AWS profile (SSO profiles included); default the manifest's, then the SDK chain's. */
  profile?: string;
  /**
   * Default: the manifest's `provider.region`; for AWS then the SDK's chain (`AWS_REGION`, the
   * profile's `region` in the shared config files), else us-east-1. The local cloud's own else.
   */
  region?: string;
  /** Endpoint override; default the manifest's `provider.endpoint` (for AWS) or the local cloud's. */
  endpoint?: string;
  /** The local cloud's state folder; default defaultStateDir(). */
  localStateDir?: string;
  /** Starts a local cloud when none is running (the CLI and the extension decide how). */
  ensureLocalCloud?: () => Promise<LocalCloudInfo>;
  /** Sees every API call by operation name. */
  onRequest?: (operation: string) => void;
}

/** A well-formed role ARN for the local cloud, for callers that need one without IAM. */
export const LOCAL_DEFAULT_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/flourish-local`;

export async function resolveTarget(
  manifest: Manifest,
  options: TargetOptions = {},
): Promise<CloudProvider> {
  const kind = options.target ?? manifest.provider.name;
  return resolveProvider({
    ...options,
    target: kind,
    profile: options.profile ?? manifest.provider.profile,
    region: options.region ?? manifest.provider.region,
    endpoint: options.endpoint ?? (kind === 'aws' ? manifest.provider.endpoint : undefined),
  });
}

/** A provider without a manifest (the explorer's view of a whole account or local cloud). */
export async function resolveProvider(
  options: TargetOptions & { target: TargetKind; region?: string },
): Promise<CloudProvider> {
  if (options.target === 'local') return localProvider(options);
  const profile = options.profile;
  const region = options.region ?? (await chainRegion(profile));
  return new AwsLambdaProvider({
    kind: 'aws',
    region: region ?? DEFAULT_REGION,
    endpoint: options.endpoint,
    profile,
    // The SDK's own chain: environment, SSO, shared files, process, web identity, IMDS/ECS.
    credentials: fromNodeProviderChain(profile ? { profile } : {}),
    onRequest: options.onRequest,
  });
}

// The SDK's region chain without its last link (the EC2 instance metadata service, a network
// call that stalls off EC2): undefined when neither the environment nor the profile names one.
const REGION_CHAIN = {
  ...NODE_REGION_CONFIG_OPTIONS,
  default: (): string | undefined => undefined,
};

async function chainRegion(profile: string | undefined): Promise<string | undefined> {
  try {
    // Read afresh: an edited ~/.aws/config counts for the next provider made.
    const load = loadConfig(REGION_CHAIN, {
      ...NODE_REGION_CONFIG_FILE_OPTIONS,
      profile,
      ignoreCache: true,
    });
    return (await load()) || undefined;
  } catch {
    // An unreadable config file is not this command's failure: the fallback region serves.
    return undefined;
  }
}

async function localProvider(options: TargetOptions): Promise<CloudProvider> {
  const stateDir = options.localStateDir ?? defaultStateDir();
  let info = await readLocalCloudInfo(stateDir);
  if (!info && options.ensureLocalCloud) info = await options.ensureLocalCloud();
  if (!info) {
    throw new CloudError(`no local cloud is running with state in ${stateDir}`, {
      code: 'LocalCloudNotRunning',
      operation: 'Connect to the local cloud',
      hint: 'Start it with `flourish local start` (or the editor command "Flourish: Start Local Cloud") and try again',
    });
  }
  const config = localCloudClientConfig(info);
  const endpoint = options.endpoint ?? config.endpoint;
  const label = `the local cloud at ${endpoint}`;
  return new AwsLambdaProvider({
    kind: 'local',
    region: options.region ?? config.region,
    endpoint,
    credentials: config.credentials,
    label,
    // No default role: deploy makes the stage's role through the local cloud's IAM, as on AWS.
    tail: localTailSource({ ...config, endpoint }, label),
    onRequest: options.onRequest,
  });
}
