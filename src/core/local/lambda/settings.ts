// The CreateFunction / UpdateFunctionConfiguration settings beyond code, runtime and sizing.
// Tracing and SnapStart are kept and shown back. Settings that name resources of other
// services (layers, subnets, file systems, keys, queues, signing configs) are refused: none
// exist on this machine, and AWS refuses a resource that does not exist. Logging other than
// Text to the function's own group is refused too: the local cloud would silently write
// something else. Every refusal says what to do instead.
import { invalidParameter } from '../http/errors';
import { checkEnum } from './validation';
import { logGroupName, type KeptSettings } from './model';

const LOCAL_ONLY =
  'Remove it from the request for the local cloud (Flourish deploys without it), or deploy to AWS.';

type Input = Record<string, unknown>;

const nonEmpty = (value: unknown): boolean =>
  Array.isArray(value) ? value.length > 0 : typeof value === 'string' && value !== '';

/**
 * Refuses what the local cloud cannot honour and returns what it keeps. `current` is the
 * function's settings before an update (undefined for CreateFunction).
 */
export function checkSettings(
  input: Input,
  fn: { name: string; runtime: string },
  current: KeptSettings = {},
): KeptSettings {
  refuseResources(input);
  checkLogging(input, fn.name);
  const kept: KeptSettings = { tracing: current.tracing, snapStart: current.snapStart };
  const tracing = (input.TracingConfig as { Mode?: unknown } | undefined)?.Mode;
  if (tracing !== undefined) {
    const mode = checkEnum(tracing, 'tracingConfig.mode', ['Active', 'PassThrough']);
    kept.tracing = mode === 'Active' ? mode : undefined;
  }
  const applyOn = (input.SnapStart as { ApplyOn?: unknown } | undefined)?.ApplyOn;
  if (applyOn !== undefined) {
    const on = checkEnum(applyOn, 'snapStart.applyOn', ['PublishedVersions', 'None']);
    kept.snapStart = on === 'PublishedVersions' ? on : undefined;
  }
  if (kept.snapStart && !snapStartRuntime(fn.runtime)) {
    throw invalidParameter(`${fn.runtime} is not supported for SnapStart enabled functions.`);
  }
  return kept;
}

/** SnapStart runs Java 11+, Python 3.12+ and .NET 8+; of the local runtimes, Python 3.12+. */
function snapStartRuntime(runtime: string): boolean {
  const python = /^python3\.(\d+)$/.exec(runtime);
  return python !== null && Number(python[1]) >= 12;
}

function refuseResources(input: Input): void {
  if (nonEmpty(input.Layers)) {
    const first = String((input.Layers as unknown[])[0]);
    throw invalidParameter(
      `Layer version ${first} does not exist: the local cloud has no layers. Put the layer's files in the function's package instead (Node.js modules under node_modules, Python packages at its root). ${LOCAL_ONLY}`,
    );
  }
  const vpc = input.VpcConfig as { SubnetIds?: unknown; SecurityGroupIds?: unknown } | undefined;
  if (vpc && (nonEmpty(vpc.SubnetIds) || nonEmpty(vpc.SecurityGroupIds))) {
    throw invalidParameter(
      `VpcConfig names subnets or security groups, and the local cloud has no VPC: functions run on this machine's network. Send empty SubnetIds and SecurityGroupIds, or no VpcConfig. ${LOCAL_ONLY}`,
    );
  }
  if (nonEmpty(input.FileSystemConfigs)) {
    throw invalidParameter(
      `FileSystemConfigs names an EFS access point, and the local cloud has no file systems to mount. ${LOCAL_ONLY}`,
    );
  }
  if (nonEmpty(input.KMSKeyArn)) {
    throw invalidParameter(
      `KMSKeyArn names a KMS key, and the local cloud has no keys: environment variables are kept in its state folder on this machine. ${LOCAL_ONLY}`,
    );
  }
  if (nonEmpty((input.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn)) {
    throw invalidParameter(
      `DeadLetterConfig names a queue or topic, and the local cloud has none to send failed events to: a failed event invocation is retried twice, then logged. ${LOCAL_ONLY}`,
    );
  }
  if (nonEmpty(input.CodeSigningConfigArn)) {
    throw invalidParameter(
      `CodeSigningConfigArn names a code signing configuration, and the local cloud has none: it runs any package. ${LOCAL_ONLY}`,
    );
  }
}

function checkLogging(input: Input, name: string): void {
  const logging = input.LoggingConfig as Record<string, unknown> | undefined;
  if (logging === undefined) return;
  const unsupported = [
    logging.LogFormat !== undefined &&
      logging.LogFormat !== 'Text' &&
      `LogFormat ${String(logging.LogFormat)}`,
    logging.ApplicationLogLevel !== undefined && 'ApplicationLogLevel',
    logging.SystemLogLevel !== undefined && 'SystemLogLevel',
    logging.LogGroup !== undefined &&
      logging.LogGroup !== logGroupName(name) &&
      `LogGroup ${String(logging.LogGroup)}`,
  ].filter(Boolean);
  if (unsupported.length > 0) {
    throw invalidParameter(
      `LoggingConfig asks for ${unsupported.join(', ')}: the local cloud writes logs as Text to /aws/lambda/<function name> only. ${LOCAL_ONLY}`,
    );
  }
}
