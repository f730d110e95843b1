import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { checkManifest, formatProblem } from '../../core/manifest';
import { MANIFEST_OPTIONS, stringOption, type Command } from '../command';
import { EXIT } from '../errors';
import { findManifest } from '../findManifest';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check flourish.yaml and the handlers it names',
  usage: 'flourish validate [flourish.yaml] [--stage S] [--json]',
  options: { ...MANIFEST_OPTIONS },
  async run(ctx, positionals, values) {
    const file = findManifest(ctx.cwd, positionals[0] ?? stringOption(values, 'manifest'));
    const text = await readFile(file, 'utf8');
    const { manifest, problems } = await checkManifest(text, {
      file,
      stage: stringOption(values, 'stage'),
      signal: ctx.signal,
    });
    const errors = problems.filter((p) => p.severity === 'error').length;
    const shown = path.relative(ctx.cwd, file) || file;
    ctx.output.result({ file, valid: errors === 0, stage: manifest?.stage, problems });
    for (const problem of problems) ctx.output.line(formatProblem(shown, problem));
    if (errors === 0) {
      const count = manifest?.functions.length ?? 0;
      ctx.output.line(
        ctx.output.green(
          `${shown}: valid (${count} function${count === 1 ? '' : 's'}, stage ${manifest?.stage})`,
        ),
      );
      return EXIT.ok;
    }
    ctx.output.line(ctx.output.red(`${shown}: ${errors} error${errors === 1 ? '' : 's'}`));
    return EXIT.failure;
  },
};
