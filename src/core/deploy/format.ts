// A deploy plan as plain text, one line per function and one per difference: what the CLI
// prints before applying and what the extension shows in its confirmation.
import { formatBytes } from './bytes';
import type { FieldDifference } from './configuration';
import type { PlanAction } from './decide';
import type { EventsPlan } from './events';
import type { DeployPlan, FunctionPlan } from './plan';
import { isPendingRole, type RolePlan } from './roles';

const SYMBOL: Record<PlanAction, string> = {
  create: '+',
  'update-code': '~',
  'update-configuration': '~',
  'update-code-and-configuration': '~',
  publish: '^',
  'move-alias': '>',
  'update-tags': '~',
  unchanged: '=',
};

const MAX_VALUE = 60;

export function formatPlan(plan: DeployPlan): string {
  const lines = [`Plan for ${plan.service} (stage ${plan.stage}) on ${plan.target.label}`];
  const width = Math.max(0, ...plan.functions.map((f) => f.key.length));
  for (const role of plan.roles ?? []) lines.push(`  ${describeRole(role)}`);
  for (const fn of plan.functions) {
    lines.push(`  ${SYMBOL[fn.action]} ${fn.key.padEnd(width)}  ${describeAction(fn)}`);
    if (fn.events) lines.push(...describeEvents(fn.events, fn.alias));
    for (const d of fn.configurationChanges) lines.push(`      ${formatDifference(d)}`);
    for (const d of fn.tagChanges) lines.push(`      ${formatDifference(d)}`);
    for (const w of fn.package.warnings) lines.push(`      warning: ${w.message}`);
    if (fn.drift) {
      lines.push(
        `  ! ${fn.key.padEnd(width)}  changed outside Flourish since version ${fn.drift.since}; deploying overwrites:`,
      );
      for (const d of fn.drift.differences) lines.push(`      ${formatDifference(d)}`);
    }
  }
  const changing = plan.functions.filter((f) => f.action !== 'unchanged').length;
  const unchanged = plan.functions.length - changing;
  const drifted = plan.functions.filter((f) => f.drift).length;
  let summary =
    changing === 0
      ? `Nothing to deploy: ${count(unchanged, 'function')} unchanged.`
      : `${count(changing, 'function')} to deploy, ${unchanged} unchanged.`;
  if (drifted) summary += ` ${count(drifted, 'function')} changed outside Flourish.`;
  for (const w of plan.warnings ?? []) lines.push(`  warning: ${w}`);
  lines.push(summary);
  return lines.join('\n');
}

function describeAction(fn: FunctionPlan): string {
  const pkg = `${formatBytes(fn.package.zipBytes)} zip, sha256 ${fn.package.contentHash.slice(0, 12)}`;
  const alias = fn.aliasBefore
    ? `alias ${fn.alias} moves from version ${fn.aliasBefore.version}`
    : `alias ${fn.alias} is created`;
  switch (fn.action) {
    case 'create':
      return `create ${fn.name} (${pkg}), publish version 1, ${alias}`;
    case 'update-code':
      return `update code of ${fn.name} (${pkg}), publish a version, ${alias}`;
    case 'update-configuration':
      return `update configuration of ${fn.name}, publish a version, ${alias}`;
    case 'update-code-and-configuration':
      return `update code (${pkg}) and configuration of ${fn.name}, publish a version, ${alias}`;
    case 'publish':
      return `publish the deployed code and configuration of ${fn.name} (an earlier deploy stopped before it), ${alias}`;
    case 'move-alias':
      return `${alias} to version ${fn.aliasTarget}, which already holds this code and configuration`;
    case 'update-tags':
      return `update tags of ${fn.name}`;
    case 'unchanged':
      return fn.aliasBefore
        ? `unchanged (alias ${fn.alias} on version ${fn.aliasBefore.version})`
        : 'unchanged';
  }
}

function describeRole(role: RolePlan): string {
  const what = role.purpose === 'execution' ? 'execution role' : 'scheduler role';
  if (role.action === 'create')
    return `+ ${what} ${role.name} is created (no role in the manifest)`;
  return role.owned
    ? `= ${what} ${role.name} (reused)`
    : `= ${what} ${role.name} (reused as it is: not created by Flourish for this stage)`;
}

/** One line per URL or schedule change; unchanged ones only show where the URL is. */
export function describeEvents(events: EventsPlan, alias: string): string[] {
  const lines: string[] = [];
  const { url } = events;
  const routes = url.desired ? ` for ${url.desired.routes.join(', ')}` : '';
  const auth = url.desired
    ? `auth ${url.desired.authType}${url.desired.cors ? ', CORS' : ''}${url.desired.invokeMode === 'RESPONSE_STREAM' ? ', streamed' : ''}`
    : '';
  if (url.action === 'create') lines.push(`      + URL on alias ${alias} (${auth})${routes}`);
  if (url.action === 'update')
    lines.push(`      ~ URL ${url.current?.url ?? ''} becomes ${auth}${routes}`);
  if (url.action === 'delete') lines.push(`      - URL ${url.current?.url ?? ''} is deleted`);
  if (url.action === 'unchanged') lines.push(`      = URL ${url.current?.url ?? ''} (${auth})`);
  for (const s of events.schedules) {
    const d = s.desired;
    const state = d?.state === 'DISABLED' ? ', disabled' : '';
    if (s.action === 'create') lines.push(`      + schedule ${s.name}: ${d!.expression}${state}`);
    if (s.action === 'update') {
      const fields = s.fields.filter(
        (f) => !(f === 'targetArn' || f === 'roleArn') || !isPendingRole(d?.[f] ?? ''),
      );
      lines.push(`      ~ schedule ${s.name}: ${d!.expression}${state} (${fields.join(', ')})`);
    }
    if (s.action === 'delete') lines.push(`      - schedule ${s.name} is deleted`);
  }
  return lines;
}

export function formatDifference(d: FieldDifference): string {
  if (d.field === 'role' && typeof d.to === 'string' && isPendingRole(d.to)) {
    return `role: ${formatValue(d.from)} -> the new role ${d.to.slice(d.to.indexOf('/') + 1)}`;
  }
  if (d.field === 'code') return `code: ${shortValue(d.from)} -> ${shortValue(d.to)}`;
  if (d.field === 'description' && d.from === undefined && d.to !== undefined) {
    return `description: changed to ${formatValue(d.to)}`;
  }
  return `${d.field}: ${formatValue(d.from)} -> ${formatValue(d.to)}`;
}

function formatValue(v: string | number | undefined): string {
  if (v === undefined) return '(unset)';
  if (typeof v === 'number') return String(v);
  const text = JSON.stringify(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 4)}..."` : text;
}

function shortValue(v: string | number | undefined): string {
  return v === undefined ? '(none)' : String(v).slice(0, 12);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
