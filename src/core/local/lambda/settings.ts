// The CreateFunction / UpdateFunctionConfiguration settings beyond code, runtime and sizing.
// Tracing and SnapStart are kept and shown back. Settings that name resources of other
// services (layers, subnets, file systems, keys, queues, signing configs) are refused: none
// exist on this machine, and AWS refuses a resource that does not exist. LoggingConfig is kept:
// Text or JSON with its levels; only a log group other than the function's own is refused, as
// the local cloud would silently write elsewhere. Every refusal says what to do instead.
import type { ApplicationLogLevel, JsonLogging, SystemLogLevel } from '../execution/contract';
import { invalidParameter } from '../http/errors';
import { checkEnum } from './validation';
import { logGroupName, type KeptSettings } from './model';

const APPLICATION_LEVELS: readonly ApplicationLogLevel[] = [
  'TRACE',
  'DEBUG',
  'INFO',
  'WARN',
  'ERROR',
  'FATAL',
];
const SYSTEM_LEVELS: readonly SystemLogLevel[] = ['DEBUG', 'INFO', 'WARN'];

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
  const kept: KeptSettings = {
    tracing: current.tracing,
    snapStart: current.snapStart,
    jsonLogging: checkLogging(input, fn.name, current.jsonLogging),
  };
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

/**
 * The logging a request leaves: JSON with its levels, or undefined for Text. What the request's
 * LoggingConfig leaves out stays as it was; a JSON function's levels start at INFO, as Lambda's.
 */
function checkLogging(
  input: Input,
  name: string,
  current: JsonLogging | undefined,
): JsonLogging | undefined {
  const logging = input.LoggingConfig as Record<string, unknown> | undefined;
  if (logging === undefined) return current;
  if (logging.LogGroup !== undefined && logging.LogGroup !== logGroupName(name)) {
    throw invalidParameter(
      `LoggingConfig asks for LogGroup ${String(logging.LogGroup)}: the local cloud writes each function's logs to /aws/lambda/<function name> only. ${LOCAL_ONLY}`,
    );
  }
  const format =
    logging.LogFormat === undefined
      ? current
        ? 'JSON'
        : 'Text'
      : checkEnum(logging.LogFormat, 'loggingConfig.logFormat', ['JSON', 'Text']);
  const application =
    logging.ApplicationLogLevel === undefined
      ? undefined
      : checkEnum(
          logging.ApplicationLogLevel,
          'loggingConfig.applicationLogLevel',
          APPLICATION_LEVELS,
        );
  const system =
    logging.SystemLogLevel === undefined
      ? undefined
      : checkEnum(logging.SystemLogLevel, 'loggingConfig.systemLogLevel', SYSTEM_LEVELS);
  if (format === 'Text') {
    if (application || system) {
      throw invalidParameter(
        'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your request or change the LogFormat to "JSON" and try again.',
      );
    }
    return undefined;
  }
  return {
    applicationLogLevel: application ?? current?.applicationLogLevel ?? 'INFO',
    systemLogLevel: system ?? current?.systemLogLevel ?? 'INFO',
  };
}
