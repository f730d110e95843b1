import { describeStage } from '../../core/deploy';
import { MANIFEST_OPTIONS, type Command } from '../command';
import { EXIT } from '../errors';
import { loadProject } from '../project';
import { providerFor, TARGET_OPTIONS } from '../target';

export const infoCommand: Command = {
  name: 'info',
  summary: "Show each function's deployed version, stage alias, URL and schedules",
  usage: 'flourish info [--stage S] [--target local|aws] [--json]',
  options: { ...MANIFEST_OPTIONS, ...TARGET_OPTIONS },
  async run(ctx, _positionals, values) {
    const manifest = await loadProject(ctx, values);
    const provider = await providerFor(ctx, manifest, values);
    const info = await describeStage(manifest, provider, { signal: ctx.signal });
    ctx.output.result(info);
    const out = ctx.output;
    out.line(`${out.bold(info.service)} stage ${info.stage} on ${info.target}`);
    for (const fn of info.functions) {
      const where = !fn.deployed
        ? 'not deployed'
        : fn.version
          ? `version ${fn.version} (alias ${fn.alias})`
          : `no alias ${fn.alias} yet`;
      out.line(`  ${fn.key}  ${fn.name}  ${where}`);
      if (fn.url) {
        const routes = fn.routes.length ? ` for ${fn.routes.join(', ')}` : '';
        out.line(`    url: ${fn.url} (auth ${fn.authType ?? 'NONE'})${routes}`);
      } else if (fn.routes.length) {
        out.line(`    url: none yet for ${fn.routes.join(', ')}: run "flourish deploy"`);
      }
      for (const s of fn.schedules) {
        const state = s.state === 'DISABLED' ? ' (disabled)' : '';
        out.line(`    schedule: ${s.name} ${s.expression}${state}`);
      }
    }
    return EXIT.ok;
  },
};
