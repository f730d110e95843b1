// planRemove / applyRemove: tear down what Flourish created for one stage, and nothing else.
// The plan finds candidates by name and keeps only those tagged (schedules: described) for
// this service and stage; apply checks each one again just before deleting it, since the
// plan may be old by the time someone confirms it.
import type { CloudProvider, ScheduleInfo, TargetKind } from '../cloud/provider';
import { isAbortError } from '../cloud/errors';
import type { Manifest } from '../manifest/types';
import { ownedBy, ownerOf, scheduleOwner, stagePrefix } from './ownership';
import { mapBounded } from './pool';
import { roleName, type RolePurpose } from './roles';
import { SCHEDULE_GROUP } from './schedules';

export type RemoveKind = 'function' | 'schedule' | 'role';

export interface RemoveFunction {
  name: string;
  arn: string;
  aliases: string[];
  /** Function URLs on its aliases. */
  urls: { qualifier: string; url: string }[];
}

export interface RemoveRole {
  name: string;
  arn: string;
  purpose: RolePurpose;
}

export interface RemoveSkipped {
  kind: RemoveKind;
  name: string;
  reason: string;
}

export interface RemovePlan {
  service: string;
  stage: string;
  target: { kind: TargetKind; label: string; region: string };
  functions: RemoveFunction[];
  schedules: ScheduleInfo[];
  roles: RemoveRole[];
  /** Found by name but not Flourish's for this stage: left alone. */
  skipped: RemoveSkipped[];
}

export type RemoveEvent =
  | { type: 'started'; kind: RemoveKind; name: string; message: string }
  | { type: 'removed'; kind: RemoveKind; name: string; message: string }
  | { type: 'skipped'; kind: RemoveKind; name: string; message: string };

export interface RemoveOptions {
  signal?: AbortSignal;
  onEvent?: (event: RemoveEvent) => void;
}

export interface RemoveResult {
  /** Everything planned was deleted (or found already gone). */
  ok: boolean;
  cancelled: boolean;
  removed: { kind: RemoveKind; name: string }[];
  skipped: RemoveSkipped[];
  failed: { kind: RemoveKind; name: string; error: Error }[];
  durationMs: number;
}

export function isEmptyRemovePlan(plan: RemovePlan): boolean {
  return !plan.functions.length && !plan.schedules.length && !plan.roles.length;
}

export async function planRemove(
  manifest: Manifest,
  provider: CloudProvider,
  options: { signal?: AbortSignal } = {},
): Promise<RemovePlan> {
  const { signal } = options;
  const { service, stage } = manifest;
  const prefix = stagePrefix(service, stage);
  const plan: RemovePlan = {
    service,
    stage,
    target: { kind: provider.kind, label: provider.label, region: provider.region },
    functions: [],
    schedules: [],
    roles: [],
    skipped: [],
  };

  // Functions once in the manifest and since dropped from it are found by their names too.
  const names = new Set(manifest.functions.map((f) => f.name));
  let marker: string | undefined;
  do {
    const page = await provider.listFunctions({ marker, signal });
    for (const f of page.items) if (f.name.startsWith(prefix)) names.add(f.name);
    marker = page.nextToken;
  } while (marker);
  const found = await mapBounded([...names].sort(), 4, async (name) => {
    const fn = await provider.getFunction(name, { signal });
    if (!fn) return undefined;
    if (!ownedBy(fn.tags, service, stage)) {
      plan.skipped.push({ kind: 'function', name, reason: ownerOf(fn.tags) });
      return undefined;
    }
    const aliases = (await provider.listAliases(name, { signal })).map((a) => a.name);
    const urls: RemoveFunction['urls'] = [];
    for (const qualifier of aliases) {
      const url = await provider.getFunctionUrl(name, qualifier, { signal });
      if (url) urls.push({ qualifier, url: url.url });
    }
    return { name, arn: fn.arn, aliases, urls };
  });
  plan.functions = found.filter((f): f is RemoveFunction => Boolean(f));

  for (const s of await provider.listSchedules(
    { namePrefix: prefix, group: SCHEDULE_GROUP },
    { signal },
  )) {
    if (scheduleOwner(s.description, service, stage) !== undefined) plan.schedules.push(s);
    else plan.skipped.push({ kind: 'schedule', name: s.name, reason: 'not created by Flourish' });
  }

  for (const purpose of ['execution', 'scheduler'] as const) {
    const role = await provider.getRole(roleName(manifest, purpose), { signal });
    if (!role) continue;
    if (ownedBy(role.tags, service, stage)) {
      plan.roles.push({ name: role.name, arn: role.arn, purpose });
    } else {
      plan.skipped.push({ kind: 'role', name: role.name, reason: ownerOf(role.tags) });
    }
  }
  plan.skipped.sort((a, b) => a.name.localeCompare(b.name));
  return plan;
}

/**
 * Deletes the plan's schedules first (nothing fires into a half-removed stage), then the
 * functions with their URLs and aliases, then the roles they ran as.
 */
export async function applyRemove(
  plan: RemovePlan,
  provider: CloudProvider,
  options: RemoveOptions = {},
): Promise<RemoveResult> {
  const started = Date.now();
  const signal = options.signal ?? new AbortController().signal;
  const emit = (event: RemoveEvent) => options.onEvent?.(event);
  const result: RemoveResult = {
    ok: true,
    cancelled: false,
    removed: [],
    skipped: [],
    failed: [],
    durationMs: 0,
  };
  const { service, stage } = plan;

  const remove = async (
    kind: RemoveKind,
    name: string,
    stillOurs: () => Promise<string | undefined>,
    run: () => Promise<void>,
  ) => {
    signal.throwIfAborted();
    try {
      // Changed hands since the plan (retagged, replaced): not ours to delete any more.
      const reason = await stillOurs();
      if (reason) {
        result.skipped.push({ kind, name, reason });
        emit({ type: 'skipped', kind, name, message: `Left ${kind} ${name}: ${reason}` });
        return;
      }
      emit({ type: 'started', kind, name, message: `Deleting ${kind} ${name}` });
      await run();
      result.removed.push({ kind, name });
      emit({ type: 'removed', kind, name, message: `Deleted ${kind} ${name}` });
    } catch (error) {
      if (signal.aborted && (error === signal.reason || isAbortError(error))) throw error;
      result.failed.push({ kind, name, error: asError(error) });
    }
  };

  try {
    for (const s of plan.schedules) {
      await remove(
        'schedule',
        s.name,
        async () => {
          const now = await provider.getSchedule(s.name, s.group, { signal });
          if (!now) return undefined;
          return scheduleOwner(now.description, service, stage) === undefined
            ? 'no longer described as Flourish-made for this stage'
            : undefined;
        },
        () => provider.deleteSchedule(s.name, s.group, { signal }),
      );
    }
    for (const fn of plan.functions) {
      await remove(
        'function',
        fn.name,
        async () => {
          const now = await provider.getFunction(fn.name, { signal });
          return now && !ownedBy(now.tags, service, stage) ? ownerOf(now.tags) : undefined;
        },
        async () => {
          for (const u of fn.urls) {
            await provider.setPublicUrlAccess(fn.name, u.qualifier, false, { signal });
            await provider.deleteFunctionUrl(fn.name, u.qualifier, { signal });
          }
          await provider.deleteFunction(fn.name, { signal });
        },
      );
    }
    // A function that stayed (skipped or failed) may still run as one of these roles.
    const removedFunctions = new Set(
      result.removed.filter((r) => r.kind === 'function').map((r) => r.name),
    );
    const stayed = plan.functions.filter((f) => !removedFunctions.has(f.name)).map((f) => f.name);
    for (const role of plan.roles) {
      await remove(
        'role',
        role.name,
        async () => {
          if (stayed.length) return `kept for function ${stayed.join(', ')}, which is still there`;
          const now = await provider.getRole(role.name, { signal });
          return now && !ownedBy(now.tags, service, stage) ? ownerOf(now.tags) : undefined;
        },
        () => provider.deleteRole(role.name, { signal }),
      );
    }
  } catch (error) {
    if (!signal.aborted) throw error;
    result.cancelled = true;
  }
  result.ok = !result.cancelled && result.failed.length === 0;
  result.durationMs = Date.now() - started;
  return result;
}

/** The plan as text: what goes, and what is found but left alone. */
export function formatRemovePlan(plan: RemovePlan): string {
  const lines = [`Remove ${plan.service} (stage ${plan.stage}) from ${plan.target.label}`];
  for (const fn of plan.functions) {
    const aliases = fn.aliases.length ? ` with alias ${fn.aliases.join(', ')}` : '';
    lines.push(`  - function ${fn.name}${aliases}`);
    for (const u of fn.urls) lines.push(`      - URL ${u.url} (alias ${u.qualifier})`);
  }
  for (const s of plan.schedules) lines.push(`  - schedule ${s.name} (${s.expression})`);
  for (const r of plan.roles) lines.push(`  - role ${r.name} (${r.purpose})`);
  for (const s of plan.skipped) lines.push(`  = ${s.kind} ${s.name} is kept: ${s.reason}`);
  lines.push(
    isEmptyRemovePlan(plan)
      ? 'Nothing to remove.'
      : `${count(plan.functions.length, 'function')}, ${count(plan.schedules.length, 'schedule')} and ${count(plan.roles.length, 'role')} to delete.`,
  );
  return lines.join('\n');
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
