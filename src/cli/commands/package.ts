import * as path from 'node:path';
import { packageFunction } from '../../core/build';
import { MANIFEST_OPTIONS, type Command } from '../command';
import { EXIT } from '../errors';
import { formatBytes, loadProject, selectFunctions } from '../project';

export const packageCommand: Command = {
  name: 'package',
  summary: 'Build and pack deterministic ZIPs, without deploying',
  usage: 'flourish package [function...] [--stage S] [--skip-build] [--json]',
  options: { ...MANIFEST_OPTIONS, 'skip-build': { type: 'boolean', default: false } },
  async run(ctx, positionals, values) {
    const manifest = await loadProject(ctx, values);
    const results = [];
    for (const fn of selectFunctions(manifest, positionals)) {
      const result = await packageFunction(manifest, fn, {
        signal: ctx.signal,
        skipBuild: values['skip-build'] === true,
        onProgress: (p) => ctx.output.progress(`${fn.key}: ${p.message}`),
        onBuildOutput: (line) => ctx.output.line(`${ctx.output.dim(`${fn.key} |`)} ${line}`),
      });
      for (const warning of result.warnings) ctx.output.warn(`${fn.key}: ${warning.message}`);
      ctx.output.line(
        `${fn.key}: ${path.relative(ctx.cwd, result.zipPath)} ${formatBytes(result.zipBytes)} (${result.fileCount} files, ${formatBytes(result.unzippedBytes)} unzipped) sha256 ${result.sha256Hex.slice(0, 12)}${result.reused ? ', unchanged' : ''}`,
      );
      results.push({
        function: fn.key,
        zip: result.zipPath,
        sha256: result.sha256Hex,
        codeSha256: result.codeSha256,
        zipBytes: result.zipBytes,
        unzippedBytes: result.unzippedBytes,
        files: result.fileCount,
        reused: result.reused,
        warnings: result.warnings,
      });
    }
    ctx.output.result({ packages: results });
    return EXIT.ok;
  },
};
