// Merges Lambda's defaults, `defaults`, the stage's overrides and each function's own settings
// into the resolved `Manifest` for one stage, remembering where each value came from so later
// checks can point at it.
import * as path from 'node:path';
import { isMap, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { DEFAULT_STAGE, LAMBDA_DEFAULTS, deployedName } from './limits';
import type { Path } from './problems';
import {
  APPLICATION_LOG_LEVELS,
  LOG_FORMATS,
  SYSTEM_LOG_LEVELS,
  type Architecture,
  type BuildSpec,
  type FunctionEvent,
  type FunctionSpec,
  type HttpMethod,
  type Manifest,
  type PackageSpec,
  type ProviderConfig,
} from './types';
import { AliasBudget, entriesOf, findEntry, scalarOf, stringOf, type Entry } from './yaml-nodes';

/** Where a value was written; the key path is only built when a problem needs it. */
export class Origin {
  constructor(
    /** The value node (null when written without a value). */
    readonly node: Node | null,
    readonly keyNode: Node,
    private readonly base: Path,
    private readonly key: string,
  ) {}

  get path(): Path {
    return [...this.base, this.key];
  }
}

export interface ResolvedFunction {
  spec: FunctionSpec;
  keyNode: Node;
  /** Where each field's winning value was written. */
  origins: Partial<Record<keyof FunctionSpec, Origin>>;
}

/** Function map node -> stage -> the function resolved within a given document. */
export type ResolveMemo = WeakMap<object, Map<string, { doc: object; fn: ResolvedFunction }>>;

export interface Resolution {
  manifest: Manifest;
  functions: ResolvedFunction[];
}

interface Layer {
  map: YAMLMap;
  path: Path;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

export class Resolver {
  private readonly top: Map<string, Entry>;
  readonly functionEntries: Entry[];

  constructor(
    private readonly doc: Document.Parsed,
    root: YAMLMap,
    private readonly aliases: AliasBudget,
    /** Resolved functions of earlier parses; valid while the same document object is reused. */
    private readonly memo?: ResolveMemo,
  ) {
    this.top = new Map(entriesOf(root, aliases).map((e) => [e.key, e]));
    const fns = this.top.get('functions')?.value ?? null;
    this.functionEntries = isMap(fns)
      ? entriesOf(fns, aliases).filter((e) => !e.key.startsWith('x-'))
      : [];
  }

  service(): string | undefined {
    return stringOf(this.top.get('service')?.value ?? null);
  }

  defaultStage(): string {
    return stringOf(this.top.get('stage')?.value ?? null) ?? DEFAULT_STAGE;
  }

  /** Stage names declared under `stages:`. */
  declaredStages(): Entry[] {
    const stages = this.top.get('stages')?.value ?? null;
    return isMap(stages)
      ? entriesOf(stages, this.aliases).filter((e) => !e.key.startsWith('x-'))
      : [];
  }

  private mapAt(entry: Entry | undefined): YAMLMap | undefined {
    return entry && isMap(entry.value) ? entry.value : undefined;
  }

  resolve(stage: string, file: string): Resolution {
    const stageMap = this.mapAt(this.declaredStages().find((e) => e.key === stage));
    const stagePath: Path = ['stages', stage];
    const provider = this.provider(stageMap);
    const defaultLayers: Layer[] = [];
    const defaults = this.mapAt(this.top.get('defaults'));
    if (defaults) defaultLayers.push({ map: defaults, path: ['defaults'] });
    const stageDefaults = stageMap
      ? this.mapAt(findEntry(stageMap, 'defaults', this.aliases))
      : undefined;
    if (stageDefaults) defaultLayers.push({ map: stageDefaults, path: [...stagePath, 'defaults'] });
    const stageFunctions = stageMap
      ? this.mapAt(findEntry(stageMap, 'functions', this.aliases))
      : undefined;
    const overrides = new Map<string, YAMLMap>();
    if (stageFunctions) {
      for (const e of entriesOf(stageFunctions, this.aliases))
        if (isMap(e.value)) overrides.set(e.key, e.value);
    }
    const service = this.service() ?? '';
    const functions: ResolvedFunction[] = [];
    for (const fe of this.functionEntries) {
      // Only a map written in place identifies one function; an alias may stand for several.
      const memoable = this.memo && isMap(fe.value) && fe.written === fe.value && !fe.merged;
      const byStage = memoable ? this.memo!.get(fe.value!) : undefined;
      const hit = byStage?.get(stage);
      if (hit && hit.doc === this.doc) {
        functions.push(hit.fn);
        continue;
      }
      const layers = defaultLayers.slice();
      if (isMap(fe.value)) layers.push({ map: fe.value, path: ['functions', fe.key] });
      const override = overrides.get(fe.key);
      if (override) layers.push({ map: override, path: [...stagePath, 'functions', fe.key] });
      const fn = this.function(fe, layers, service, stage, provider);
      functions.push(fn);
      if (memoable) {
        const m = byStage ?? new Map<string, { doc: object; fn: ResolvedFunction }>();
        m.set(stage, { doc: this.doc, fn });
        this.memo!.set(fe.value!, m);
      }
    }
    const abs = path.resolve(file);
    return {
      manifest: {
        service,
        stage,
        provider,
        functions: functions.map((f) => f.spec),
        root: path.dirname(abs),
        file: abs,
      },
      functions,
    };
  }

  private provider(stageMap: YAMLMap | undefined): ProviderConfig {
    const layers: YAMLMap[] = [];
    const base = this.mapAt(this.top.get('provider'));
    if (base) layers.push(base);
    const over = stageMap ? this.mapAt(findEntry(stageMap, 'provider', this.aliases)) : undefined;
    if (over) layers.push(over);
    const pick = (key: string): string | undefined => {
      let v: string | undefined;
      for (const m of layers) v = stringOf(findEntry(m, key, this.aliases)?.value ?? null) ?? v;
      return v;
    };
    const name = pick('name');
    const config: ProviderConfig = { name: name === 'aws' ? 'aws' : 'local' };
    const region = pick('region');
    const profile = pick('profile');
    const endpoint = pick('endpoint');
    const role = pick('role');
    if (region !== undefined) config.region = region;
    if (profile !== undefined) config.profile = profile;
    if (endpoint !== undefined) config.endpoint = endpoint;
    if (role !== undefined) config.role = role;
    return config;
  }

  private function(
    fe: Entry,
    layers: Layer[],
    service: string,
    stage: string,
    provider: ProviderConfig,
  ): ResolvedFunction {
    const origins: ResolvedFunction['origins'] = {};
    /** Where each field was last set, as an index into `layers`. */
    const setIn: Partial<Record<keyof FunctionSpec, number>> = {};
    const last = <T>(
      field: keyof FunctionSpec,
      read: (n: Node | null) => T | undefined,
      fromLayer = 0,
    ): T | undefined => {
      let found: T | undefined;
      for (const [index, layer] of layers.entries()) {
        if (index < fromLayer) continue;
        const e = findEntry(layer.map, field, this.aliases);
        if (!e) continue;
        const v = read(e.value);
        if (v === undefined) continue;
        found = v;
        setIn[field] = index;
        origins[field] = new Origin(e.value, e.keyNode, layer.path, field);
      }
      return found;
    };
    const int = (n: Node | null) => {
      const v = scalarOf(n);
      return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
    };
    const arch = (n: Node | null): Architecture | undefined => {
      const v = scalarOf(n);
      return v === 'x86_64' || v === 'arm64' ? v : undefined;
    };
    const oneOf =
      <T extends string>(allowed: readonly T[]) =>
      (n: Node | null): T | undefined => {
        const v = scalarOf(n);
        return allowed.includes(v as T) ? (v as T) : undefined;
      };
    const spec: FunctionSpec = {
      key: fe.key,
      name: deployedName(service, stage, fe.key),
      handler: last('handler', stringOf) ?? '',
      runtime: last('runtime', stringOf) ?? '',
      memory: last('memory', int) ?? LAMBDA_DEFAULTS.memory,
      timeout: last('timeout', int) ?? LAMBDA_DEFAULTS.timeout,
      architecture: last('architecture', arch) ?? LAMBDA_DEFAULTS.architecture,
      environment: this.stringMap(layers, 'environment', origins),
      ephemeralStorage: last('ephemeralStorage', int) ?? LAMBDA_DEFAULTS.ephemeralStorage,
      tags: this.stringMap(layers, 'tags', origins),
      package: this.package(layers),
      events: last('events', (n) => this.events(n)) ?? [],
    };
    const description = last('description', stringOf);
    if (description !== undefined) spec.description = description;
    const role = last('role', stringOf) ?? provider.role;
    if (role !== undefined) spec.role = role;
    // Absent: the function keeps the logging it has. A format set closer to the function than
    // a level leaves that level behind, so `logFormat: Text` there drops inherited levels.
    const logFormat = last('logFormat', oneOf(LOG_FORMATS));
    if (logFormat) spec.logFormat = logFormat;
    const levelsFrom = setIn.logFormat ?? 0;
    const applicationLogLevel = last(
      'applicationLogLevel',
      oneOf(APPLICATION_LOG_LEVELS),
      levelsFrom,
    );
    if (applicationLogLevel) spec.applicationLogLevel = applicationLogLevel;
    const systemLogLevel = last('systemLogLevel', oneOf(SYSTEM_LOG_LEVELS), levelsFrom);
    if (systemLogLevel) spec.systemLogLevel = systemLogLevel;
    const build = last('build', buildOf);
    if (build) spec.build = build;
    return { spec, keyNode: fe.keyNode, origins };
  }

  /** `environment` and `tags` merge key by key across layers. */
  private stringMap(
    layers: Layer[],
    field: 'environment' | 'tags',
    origins: ResolvedFunction['origins'],
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const layer of layers) {
      const e = findEntry(layer.map, field, this.aliases);
      if (!e || !isMap(e.value)) continue;
      origins[field] = new Origin(e.value, e.keyNode, layer.path, field);
      for (const v of entriesOf(e.value, this.aliases)) {
        const s = scalarOf(v.value);
        if (typeof s === 'string' || typeof s === 'number' || typeof s === 'boolean')
          out[v.key] = String(s);
      }
    }
    return out;
  }

  private package(layers: Layer[]): PackageSpec {
    const spec: PackageSpec = { include: [], exclude: [] };
    for (const layer of layers) {
      const e = findEntry(layer.map, 'package', this.aliases);
      if (!e || !isMap(e.value)) continue;
      for (const field of ['include', 'exclude'] as const) {
        const list = findEntry(e.value, field, this.aliases)?.value ?? null;
        if (isSeq(list))
          spec[field] = list.items
            .map((i) => scalarOf(i as Node))
            .filter((s): s is string => typeof s === 'string');
      }
    }
    return spec;
  }

  private events(node: Node | null): FunctionEvent[] | undefined {
    if (!isSeq(node)) return undefined;
    const out: FunctionEvent[] = [];
    for (const item of node.items) {
      if (!isMap(item)) continue;
      const entries = entriesOf(item, this.aliases);
      if (entries.length !== 1) continue;
      const [e] = entries;
      if (e.key === 'http') {
        const http = httpOf(e.value, this.aliases);
        if (http) out.push(http);
      } else if (e.key === 'schedule') {
        const s = this.scheduleOf(e.value);
        if (s) out.push(s);
      }
    }
    return out;
  }

  private scheduleOf(node: Node | null): FunctionEvent | undefined {
    const text = stringOf(node);
    if (text !== undefined) return { type: 'schedule', expression: text, enabled: true };
    if (!isMap(node)) return undefined;
    const expression = stringOf(findEntry(node, 'expression', this.aliases)?.value ?? null);
    if (expression === undefined) return undefined;
    const enabled = scalarOf(findEntry(node, 'enabled', this.aliases)?.value ?? null);
    const event: FunctionEvent = { type: 'schedule', expression, enabled: enabled !== false };
    const input = findEntry(node, 'input', this.aliases)?.value;
    if (input) event.input = toPlain(input, this.doc);
    return event;
  }
}

/** Parses `GET /hello` or `{ method, path, auth, cors, stream }`; undefined when not usable. */
export function httpOf(node: Node | null, aliases: AliasBudget): FunctionEvent | undefined {
  const text = stringOf(node);
  if (text !== undefined) {
    const m = /^(\S+)\s+(\/\S*)$/.exec(text.trim());
    if (!m || !METHODS.has(m[1])) return undefined;
    return { type: 'http', method: m[1] as HttpMethod, path: m[2], auth: 'NONE' };
  }
  if (!isMap(node)) return undefined;
  const method = stringOf(findEntry(node, 'method', aliases)?.value ?? null);
  const p = stringOf(findEntry(node, 'path', aliases)?.value ?? null);
  if (!method || !METHODS.has(method) || !p?.startsWith('/')) return undefined;
  const auth = stringOf(findEntry(node, 'auth', aliases)?.value ?? null);
  const cors = scalarOf(findEntry(node, 'cors', aliases)?.value ?? null);
  const stream = scalarOf(findEntry(node, 'stream', aliases)?.value ?? null);
  const event: FunctionEvent = {
    type: 'http',
    method: method as HttpMethod,
    path: p,
    auth: auth === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
  };
  if (typeof cors === 'boolean') event.cors = cors;
  if (stream === true) event.stream = true;
  return event;
}

function buildOf(node: Node | null): BuildSpec | undefined {
  const text = stringOf(node);
  if (text !== undefined) return text ? { command: text, cwd: '.' } : undefined;
  if (!isMap(node)) return undefined;
  const get = (k: string) => {
    for (const item of node.items)
      if (scalarOf(item.key as Node) === k) return stringOf(item.value as Node);
    return undefined;
  };
  const command = get('command');
  if (!command) return undefined;
  const spec: BuildSpec = { command, cwd: get('cwd') ?? '.' };
  const output = get('output');
  if (output !== undefined) spec.output = output;
  return spec;
}

function toPlain(node: Node, doc: Document.Parsed): unknown {
  try {
    return node.toJS(doc, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}
