// How Flourish knows what it created: functions and roles carry these tags from creation, and
// schedules (which Scheduler cannot tag) carry the same facts in their description. Nothing is
// changed or deleted unless it says it belongs to this service and stage.

export const TAG_MANAGED = 'flourish:managed';
export const TAG_SERVICE = 'flourish:service';
export const TAG_STAGE = 'flourish:stage';

export function managedTags(service: string, stage: string): Record<string, string> {
  return { [TAG_MANAGED]: 'true', [TAG_SERVICE]: service, [TAG_STAGE]: stage };
}

/** Tagged by Flourish for exactly this service and stage. */
export function ownedBy(tags: Record<string, string>, service: string, stage: string): boolean {
  return tags[TAG_MANAGED] === 'true' && tags[TAG_SERVICE] === service && tags[TAG_STAGE] === stage;
}

/** Why a tagged resource is not this stage's, for plans and messages. */
export function ownerOf(tags: Record<string, string>): string {
  if (tags[TAG_MANAGED] !== 'true') return 'not created by Flourish';
  return `created by Flourish for ${tags[TAG_SERVICE] ?? '?'} stage ${tags[TAG_STAGE] ?? '?'}`;
}

/** Names of everything of a stage start with this. */
export function stagePrefix(service: string, stage: string): string {
  return `${service}-${stage}-`;
}

/** The description a schedule carries: which service, stage and function it belongs to. */
export function scheduleMarker(service: string, stage: string, functionKey: string): string {
  return `Flourish ${service}/${stage} ${functionKey}`;
}

/** The function key a schedule's description names, when it belongs to this service and stage. */
export function scheduleOwner(description: string, service: string, stage: string) {
  const head = `Flourish ${service}/${stage} `;
  if (!description.startsWith(head)) return undefined;
  const key = description.slice(head.length);
  return /^\S+$/.test(key) ? key : undefined;
}
