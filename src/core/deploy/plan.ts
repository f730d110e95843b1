// planDeploy: package every function, read what is deployed, and decide per function what a
// deploy would do. Reads only: a plan never changes anything in the cloud.
import {
  packageFunction,
  type PackageProgress,
  type PackageResult,
  type PackageWarning,
} from '../build';
import type {
  AliasInfo,
  CloudProvider,
  FunctionConfiguration,
  ScheduleInfo,
  TargetKind,
} from '../cloud/provider';
import { CloudError } from '../cloud/errors';
import type { FunctionSpec, Manifest } from '../manifest/types';
import { desiredConfiguration } from './configuration';
import { decideFunction, type DeployedState, type FunctionDecision } from './decide';
import { DeployError } from './errors';
import { planEvents, readStageSchedules, readUrl, type EventsPlan } from './events';
import { managedTags } from './ownership';
import { mapBounded } from './pool';
import { pendingRoleArn, roleName, rolePlanOf, type RolePlan } from './roles';

export interface PlanProgress {
  functionKey: string;
  phase: 'package' | 'read' | 'decided';
  message: string;
  /** The packaging step's own progress, when phase is `package`. */
  package?: PackageProgress;
}

export interface PlanOptions {
  /** Function keys to plan; default all in the manifest. */
  functions?: string[];
  signal?: AbortSignal;
  onProgress?: (progress: PlanProgress) => void;
  /** The package cache folder (see packageFunction). */
  cacheDir?: string;
  /** Package what is there without running build commands. */
  skipBuild?: boolean;
  /** Functions packaged and read at once; default 4. */
  concurrency?: number;
}

export interface PackageSummary {
  zipPath: string;
  /** base64, as Lambda's CodeSha256. */
  codeSha256: string;
  /** hex, the content address. */
  contentHash: string;
  zipBytes: number;
  unzippedBytes: number;
  fileCount: number;
  reused: boolean;
  warnings: PackageWarning[];
}

export interface FunctionPlan extends FunctionDecision {
  key: string;
  /** Deployed name, `<service>-<stage>-<key>`. */
  name: string;
  /** The stage alias. */
  alias: string;
  package: PackageSummary;
  /** The configuration the function will have. */
  configuration: FunctionConfiguration;
  tags: Record<string, string>;
  /** `$LATEST` as read: its revision guards the first write against a concurrent change. */
  latest?: { revisionId: string; codeSha256: string; arn: string };
  /** The alias as read, if it exists. */
  aliasBefore?: AliasInfo;
  /** The newest published version, if any. */
  newestVersion?: string;
  /** Its URL and schedules (absent: none planned). */
  events?: EventsPlan;
  /** The role is the stage's execution role that deploy makes and reuses. */
  managedRole?: boolean;
}

export interface DeployPlan {
  service: string;
  stage: string;
  /** The manifest's folder: the commit is read from here when versions are published. */
  root: string;
  target: { kind: TargetKind; label: string; region: string };
  functions: FunctionPlan[];
  /** Roles deploy creates or reuses because the manifest names none. */
  roles?: RolePlan[];
  /** Settings the manifest leaves ambiguous, and what deploy does about them. */
  warnings?: string[];
  createdAt: string;
}

export async function planDeploy(
  manifest: Manifest,
  provider: CloudProvider,
  options: PlanOptions = {},
): Promise<DeployPlan> {
  const specs = selectFunctions(manifest, options.functions);
  // One failure stops the others rather than leaving them packaging in the background.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const stage = await readStage(manifest, provider, specs, signal);
  const functions = await mapBounded(specs, options.concurrency ?? 4, async (fn) => {
    try {
      return await planFunction(manifest, provider, fn, stage, { ...options, signal });
    } catch (error) {
      stop.abort(error);
      throw error;
    }
  });
  const roles = stage.roles.filter(
    (r) =>
      (r.purpose === 'execution' && functions.some((f) => f.managedRole)) ||
      (r.purpose === 'scheduler' &&
        functions.some((f) => f.events?.schedules.some((s) => s.desired))),
  );
  return {
    service: manifest.service,
    stage: manifest.stage,
    root: manifest.root,
    target: { kind: provider.kind, label: provider.label, region: provider.region },
    functions,
    roles,
    warnings: functions.flatMap((f) => f.events?.url.desired?.warnings ?? []),
    createdAt: new Date().toISOString(),
  };
}

/** What the whole stage shares: its roles and its schedules. */
interface StageState {
  roles: RolePlan[];
  executionRoleArn?: string;
  schedulerRoleArn: string;
  schedules: Map<string, ScheduleInfo[]>;
}

async function readStage(
  manifest: Manifest,
  provider: CloudProvider,
  specs: FunctionSpec[],
  signal: AbortSignal,
): Promise<StageState> {
  const needsRole = specs.some(
    (fn) => !fn.role && !manifest.provider.role && !provider.defaultRole,
  );
  const scheduled = specs.some((fn) => fn.events.some((e) => e.type === 'schedule'));
  const [execution, scheduler, schedules] = await Promise.all([
    needsRole ? provider.getRole(roleName(manifest, 'execution'), { signal }) : undefined,
    scheduled ? provider.getRole(roleName(manifest, 'scheduler'), { signal }) : undefined,
    readStageSchedules(provider, manifest, { signal, required: scheduled }),
  ]);
  const roles = [rolePlanOf(manifest, 'execution', execution)];
  if (scheduled) roles.push(rolePlanOf(manifest, 'scheduler', scheduler));
  return {
    roles: needsRole ? roles : roles.slice(1),
    executionRoleArn: needsRole
      ? (execution?.arn ?? pendingRoleArn(roleName(manifest, 'execution')))
      : undefined,
    schedulerRoleArn: scheduler?.arn ?? pendingRoleArn(roleName(manifest, 'scheduler')),
    schedules,
  };
}

/** The functions named, in manifest order; an unknown name is refused with the known ones. */
export function selectFunctions(manifest: Manifest, keys?: string[]): FunctionSpec[] {
  if (!keys || keys.length === 0) return manifest.functions;
  for (const key of keys) findFunction(manifest, key);
  return manifest.functions.filter((fn) => keys.includes(fn.key) || keys.includes(fn.name));
}

/** A function by its key (or deployed name), or a DeployError that lists the known keys. */
export function findFunction(manifest: Manifest, key: string): FunctionSpec {
  const fn = manifest.functions.find((f) => f.key === key || f.name === key);
  if (fn) return fn;
  const known = manifest.functions.map((f) => f.key).join(', ') || 'none';
  throw new DeployError(
    `No function "${key}" in ${manifest.file} (functions: ${known}): check the name`,
    { code: 'unknown-function', functionKey: key },
  );
}

async function planFunction(
  manifest: Manifest,
  provider: CloudProvider,
  fn: FunctionSpec,
  stage: StageState,
  options: PlanOptions & { signal: AbortSignal },
): Promise<FunctionPlan> {
  const { signal } = options;
  const progress = (phase: PlanProgress['phase'], message: string, p?: PackageProgress) =>
    options.onProgress?.({ functionKey: fn.key, phase, message, package: p });

  progress('read', `Reading ${fn.name} on ${provider.label}`);
  const [pkg, state] = await Promise.all([
    packageFunction(manifest, fn, {
      cacheDir: options.cacheDir,
      signal,
      skipBuild: options.skipBuild,
      onProgress: (p) => progress('package', p.message, p),
    }),
    readDeployedState(provider, fn.name, manifest.stage, signal),
  ]);
  // Without a role named anywhere, the stage's own execution role (made on first deploy).
  const managedRole = !fn.role && !manifest.provider.role && !provider.defaultRole;
  const deployed = state.latest?.configuration;
  const configuration = managedRole
    ? desiredConfiguration(manifest, fn, undefined, stage.executionRoleArn, deployed)
    : desiredConfiguration(
        manifest,
        fn,
        deployed?.role || undefined,
        provider.defaultRole,
        deployed,
      );
  const tags = { ...fn.tags, ...managedTags(manifest.service, manifest.stage) };
  const decision = decideFunction({ configuration, codeSha256: pkg.codeSha256, tags }, state);
  const url = state.latest ? await readUrl(provider, fn, manifest.stage, { signal }) : undefined;
  const events = planEvents(manifest, fn, {
    url,
    schedules: stage.schedules.get(fn.key) ?? [],
    functionArn: state.latest?.arn,
    schedulerRoleArn: stage.schedulerRoleArn,
  });
  progress('decided', `${fn.key}: ${decision.action}`);
  const plan: FunctionPlan = {
    key: fn.key,
    name: fn.name,
    alias: manifest.stage,
    ...decision,
    package: summarise(pkg),
    configuration,
    tags,
    aliasBefore: state.alias,
    newestVersion: state.versions.at(-1)?.version,
    events,
    managedRole,
  };
  if (state.latest) {
    plan.latest = {
      revisionId: state.latest.revisionId,
      codeSha256: state.latest.codeSha256,
      arn: state.latest.arn,
    };
  }
  return plan;
}

/** `$LATEST` (once any update in progress has finished), the published versions and the alias. */
export async function readDeployedState(
  provider: CloudProvider,
  name: string,
  alias: string,
  signal?: AbortSignal,
): Promise<DeployedState> {
  let latest = await provider.getFunction(name, { signal });
  if (!latest) return { versions: [] };
  if (latest.state === 'Pending' || latest.lastUpdateStatus === 'InProgress') {
    // An update still running (another deploy, or one stopped mid-way): plan from where it
    // lands, since Lambda refuses the next update until it does.
    try {
      await provider.waitUntilReady(name, { signal });
    } catch (error) {
      // A failed update is no obstacle: the next one replaces it.
      if (!(error instanceof CloudError && error.code === 'FunctionNotReady')) throw error;
    }
    latest = (await provider.getFunction(name, { signal })) ?? latest;
  }
  const [versions, aliasInfo] = await Promise.all([
    provider.listVersions(name, { signal }),
    provider.getAlias(name, alias, { signal }),
  ]);
  return { latest, versions, alias: aliasInfo };
}

function summarise(pkg: PackageResult): PackageSummary {
  return {
    zipPath: pkg.zipPath,
    codeSha256: pkg.codeSha256,
    contentHash: pkg.sha256Hex,
    zipBytes: pkg.zipBytes,
    unzippedBytes: pkg.unzippedBytes,
    fileCount: pkg.fileCount,
    reused: pkg.reused,
    warnings: pkg.warnings,
  };
}
