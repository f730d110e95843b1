import { listVersions } from '../../core/deploy';
import { MANIFEST_OPTIONS, type Command } from '../command';
import { EXIT } from '../errors';
import { loadProject, oneFunction } from '../project';
import { providerFor, TARGET_OPTIONS } from '../target';

export const versionsCommand: Command = {
  name: 'versions',
  summary: "List a function's published versions and the aliases on them",
  usage: 'flourish versions <function> [--stage S] [--json]',
  options: { ...MANIFEST_OPTIONS, ...TARGET_OPTIONS },
  async run(ctx, positionals, values) {
    const manifest = await loadProject(ctx, values);
    const fn = oneFunction(manifest, positionals[0]);
    const provider = await providerFor(ctx, manifest, values);
    const versions = await listVersions(manifest, provider, fn.key, { signal: ctx.signal });
    ctx.output.result({ function: fn.name, versions });
    if (versions.length === 0) {
      ctx.output.line(
        `${fn.name} is not deployed on ${provider.label}. Deploy it with "flourish deploy ${fn.key}".`,
      );
      return EXIT.ok;
    }
    const rows = versions.map((v) => [
      v.version,
      formatTime(v.deployedAt),
      (v.contentHash ?? v.codeSha256).slice(0, 12),
      v.commit ? `${v.commit.slice(0, 10)}${v.dirty ? '-dirty' : ''}` : '',
      v.aliases.join(', '),
    ]);
    const header = ['VERSION', 'DEPLOYED (UTC)', 'CONTENT', 'COMMIT', 'ALIASES'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const format = (row: string[]) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd();
    ctx.output.line(ctx.output.bold(format(header)));
    for (const row of rows) ctx.output.line(format(row));
    return EXIT.ok;
  },
};

function formatTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toISOString().slice(0, 19).replace('T', ' ');
}
