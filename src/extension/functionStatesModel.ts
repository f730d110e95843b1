// A workspace function against the selected target and stage: not deployed, in sync, changed
// locally, or drifted (changed outside Flourish), read from what a deploy plan says. Pure:
// cloud/functionStates.ts makes the plan; the Functions tree shows the result.
import type { DeployPlan } from '../core/deploy';

export type FunctionState = 'not-deployed' | 'in-sync' | 'changed' | 'drifted' | 'unknown';

export interface FunctionStatus {
  state: FunctionState;
  detail: string;
  /** The function URL on the stage alias, when it has one. */
  url?: string;
}

type PlannedFunction = Pick<
  DeployPlan['functions'][number],
  'key' | 'action' | 'drift' | 'codeChanged' | 'configurationChanges' | 'aliasBefore' | 'events'
>;

/** Each planned function's state, by function key. */
export function statesFromPlan(
  functions: PlannedFunction[],
  stage: string,
): Map<string, FunctionStatus> {
  const states = new Map<string, FunctionStatus>();
  for (const fn of functions) states.set(fn.key, stateOf(fn, stage));
  return states;
}

function stateOf(fn: PlannedFunction, stage: string): FunctionStatus {
  const url = fn.events?.url.current?.url;
  if (fn.drift) {
    return {
      state: 'drifted',
      detail: `changed outside Flourish since version ${fn.drift.since}`,
      url,
    };
  }
  if (fn.action === 'create') return { state: 'not-deployed', detail: `not deployed to ${stage}` };
  if (fn.action === 'unchanged') {
    return {
      state: 'in-sync',
      detail: `in sync (version ${fn.aliasBefore?.version ?? '?'})`,
      url,
    };
  }
  const what = [
    fn.codeChanged ? 'code' : undefined,
    fn.configurationChanges.length ? 'configuration' : undefined,
  ]
    .filter(Boolean)
    .join(' and ');
  return {
    state: 'changed',
    detail: what ? `${what} changed locally` : 'a deploy is pending',
    url,
  };
}

/** Every function `unknown`, with why (the local cloud is stopped, the plan failed). */
export function unknownStates(keys: string[], detail: string): Map<string, FunctionStatus> {
  return new Map(keys.map((key) => [key, { state: 'unknown', detail }]));
}
