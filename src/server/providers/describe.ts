// Markdown for a key or a runtime, shared by hover and completion documentation.
import { describeKey, runtimeStatus, type RuntimeInfo } from '../../core/manifest';
import type { KeyPath } from '../cursorContext';

/** Today as YYYY-MM-DD (UTC), the day runtime support is judged on. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function keyDocumentation(path: KeyPath): string {
  const info = describeKey(path);
  if (!info) return '';
  const parts = [`**${info.title}**`];
  if (info.description) parts.push(info.description);
  if (info.limits) parts.push(`Limits: ${info.limits}`);
  if (info.values?.length) parts.push(`Values: ${info.values.map((v) => `\`${v}\``).join(', ')}`);
  return parts.join('\n\n');
}

export function runtimeDocumentation(info: RuntimeInfo, today: string): string {
  const name = `**${info.label ?? info.id}** (\`${info.id}\`)`;
  const move = info.successor ? ` Move to \`${info.successor}\`.` : '';
  switch (runtimeStatus(info, today)) {
    case 'blocked':
      return `${name}: retired. Support ended ${info.deprecated}; Lambda refuses updates since ${info.blockUpdate}.${move}`;
    case 'deprecated':
      return `${name}: deprecated since ${info.deprecated}. Lambda refuses new functions from ${info.blockCreate} and updates from ${info.blockUpdate}.${move}`;
    case 'deprecation-soon':
      return `${name}: supported until ${info.deprecated}.${move}`;
    default:
      return info.deprecated
        ? `${name}: supported until ${info.deprecated}.`
        : `${name}: supported.`;
  }
}
