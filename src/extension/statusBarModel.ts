// What the status bar item says: the target and stage of the workspace's first usable
// manifest, or nothing when there is none. Pure; statusBar.ts shows it.
import { describeTarget, type EffectiveTarget } from './targetModel';

export interface StatusBarModel {
  text: string;
  tooltip: string;
}

/** undefined hides the item (no manifest that parses). */
export function statusBarModel(target: EffectiveTarget | undefined): StatusBarModel | undefined {
  if (!target) return undefined;
  const where = describeTarget(target);
  return {
    text: `$(${target.kind === 'local' ? 'vm' : 'cloud'}) ${where}`,
    tooltip: `Flourish deploys, invokes and reads logs on ${where}. Click to switch.`,
  };
}
