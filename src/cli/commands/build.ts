import { runBuild } from '../../core/build';
import { MANIFEST_OPTIONS, type Command } from '../command';
import { EXIT } from '../errors';
import { loadProject, selectFunctions } from '../project';

export const buildCommand: Command = {
  name: 'build',
  summary: "Run functions' build commands, streaming their output",
  usage: 'flourish build [function...] [--stage S] [--manifest F] [--json]',
  options: { ...MANIFEST_OPTIONS },
  async run(ctx, positionals, values) {
    const manifest = await loadProject(ctx, values);
    const functions = selectFunctions(manifest, positionals).filter((fn) => fn.build);
    if (functions.length === 0) {
      ctx.output.line(
        'No function has a build command; "flourish package" bundles handlers itself.',
      );
      ctx.output.result({ built: [] });
      return EXIT.ok;
    }
    const built = [];
    for (const fn of functions) {
      ctx.output.progress(`${fn.key}: ${fn.build?.command}`);
      const run = await runBuild(fn, manifest, {
        signal: ctx.signal,
        onOutput: (line) => ctx.output.line(`${ctx.output.dim(`${fn.key} |`)} ${line}`),
      });
      built.push({ function: fn.key, command: run.command, exitCode: run.exitCode });
    }
    ctx.output.result({ built });
    return EXIT.ok;
  },
};
