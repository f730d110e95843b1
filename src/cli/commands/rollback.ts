import { rollback } from '../../core/deploy';
import { MANIFEST_OPTIONS, stringOption, type Command } from '../command';
import { EXIT } from '../errors';
import { loadProject, oneFunction } from '../project';
import { providerFor, TARGET_OPTIONS } from '../target';

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: "Move a function's stage alias back to an earlier version (code and configuration)",
  usage: 'flourish rollback <function> [--to VERSION] [--stage S] [--json]',
  options: { ...MANIFEST_OPTIONS, ...TARGET_OPTIONS, to: { type: 'string' } },
  async run(ctx, positionals, values) {
    const manifest = await loadProject(ctx, values);
    const fn = oneFunction(manifest, positionals[0]);
    const provider = await providerFor(ctx, manifest, values);
    const result = await rollback(manifest, provider, fn.key, {
      to: stringOption(values, 'to'),
      signal: ctx.signal,
    });
    ctx.output.result(result);
    ctx.output.line(
      ctx.output.green(
        `${result.functionName}: alias ${result.alias} moved from version ${result.from} to ${result.to}`,
      ),
    );
    return EXIT.ok;
  },
};
