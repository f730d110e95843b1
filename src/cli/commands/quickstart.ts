// `npm start`: the whole loop on the embedded default, with nothing to set up. Starts the local
// cloud, deploys the example, invokes each function with its saved payload, shows the logs and
// the versions, and says how to continue in the editor.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { listPayloads, readPayload } from '../../core/events';
import {
  applyDeploy,
  formatPlan,
  invokeFunction,
  listVersions,
  planDeploy,
  streamsResponse,
} from '../../core/deploy';
import { loadManifest } from '../../core/manifest';
import { stringOption, type Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { providerFor } from '../target';

const EXAMPLE = path.join('examples', 'hello', 'flourish.yaml');

export const quickstartCommand: Command = {
  name: 'quickstart',
  summary: 'Deploy and invoke the example on the local cloud (what `npm start` runs)',
  usage: 'flourish quickstart [--manifest examples/hello/flourish.yaml] [--state-dir DIR]',
  options: { manifest: { type: 'string', short: 'f' }, 'state-dir': { type: 'string' } },
  async run(ctx, _positionals, values) {
    const file = path.resolve(ctx.cwd, stringOption(values, 'manifest') ?? EXAMPLE);
    if (!existsSync(file)) {
      throw new UsageError(
        `No manifest at ${file}. Run this from the repository root, or pass --manifest.`,
      );
    }
    const out = ctx.output;
    out.line(out.bold(`1. The manifest: ${path.relative(ctx.cwd, file)}`));
    const manifest = await loadManifest(file);
    out.line(
      `   ${manifest.functions.map((fn) => `${fn.key} (${fn.runtime})`).join(', ')}, stage ${manifest.stage}`,
    );

    out.line(out.bold('2. The local cloud'));
    const provider = await providerFor(ctx, manifest, { ...values, target: 'local' });
    out.line(`   ${provider.label}`);

    out.line(out.bold('3. Deploy'));
    const plan = await planDeploy(manifest, provider, { signal: ctx.signal });
    out.line(indent(formatPlan(plan)));
    const deployed = await applyDeploy(plan, provider, { signal: ctx.signal });
    for (const fn of deployed.functions) {
      out.line(
        `   ${fn.functionKey}: ${fn.status}${fn.version ? `, version ${fn.version} is alias ${manifest.stage}` : ''}`,
      );
      if (fn.error) out.error(`${fn.functionKey}: ${fn.error.message}`);
    }
    if (!deployed.ok) return deployed.cancelled ? EXIT.interrupted : EXIT.failure;

    out.line(out.bold('4. Invoke'));
    let failures = 0;
    for (const fn of manifest.functions) {
      const saved = (await listPayloads(manifest.root, fn.key))[0];
      const payload = saved ? await readPayload(manifest.root, fn.key, saved.name) : '{}';
      out.line(
        `   ${fn.key} with ${saved ? `saved payload "${saved.name}"` : '{}'}: ${payload.replace(/\s+/g, ' ').trim()}`,
      );
      const result = await invokeFunction(manifest, provider, fn.key, payload, {
        signal: ctx.signal,
      });
      if (result.functionError) failures += 1;
      out.line(indent(`-> ${result.payload.toString('utf8').trimEnd()}`, 6));
      out.line(indent(result.log.trimEnd(), 6));
    }

    const withUrls = deployed.functions.filter((fn) => fn.url);
    if (withUrls.length) {
      out.line(out.bold('5. HTTP'));
      for (const fn of withUrls) {
        const spec = manifest.functions.find((f) => f.key === fn.functionKey);
        const route = spec?.events.find((e) => e.type === 'http');
        const url = new URL(route?.type === 'http' ? route.path.replace(/^\//, '') : '', fn.url);
        url.searchParams.set('name', 'Flourish');
        const response = await fetch(url, {
          method: route?.type === 'http' && route.method !== 'ANY' ? route.method : 'GET',
          signal: ctx.signal,
        });
        out.line(
          `   ${fn.functionKey}: ${route?.type === 'http' ? route.method : 'GET'} ${url.href}`,
        );
        out.line(indent(`-> ${response.status} ${(await response.text()).trimEnd()}`, 6));
      }
    }

    out.line(out.bold(`${withUrls.length ? 6 : 5}. Versions`));
    for (const fn of manifest.functions) {
      const versions = await listVersions(manifest, provider, fn.key, { signal: ctx.signal });
      const summary = versions
        .slice(0, 3)
        .map((v) => `v${v.version}${v.aliases.length ? ` [${v.aliases.join(', ')}]` : ''}`)
        .join(', ');
      out.line(`   ${fn.key}: ${summary}`);
    }

    out.line(out.bold('Next'));
    out.line(
      `   Open the project in VS Code:  code ${path.relative(ctx.cwd, manifest.root) || '.'}`,
    );
    out.line(
      '   (install the extension first: npm run package && code --install-extension flourish-*.vsix)',
    );
    out.line(
      '   From the CLI:  npx flourish invoke greet --data \'{"name":"you"}\' -f ' +
        path.relative(ctx.cwd, file),
    );
    const streaming = manifest.functions.find(streamsResponse);
    if (streaming) {
      out.line(
        `   Watch a response stream in:  npx flourish invoke ${streaming.key} --stream -f ${path.relative(ctx.cwd, file)}`,
      );
    }
    out.line(
      '   The local cloud keeps running in the background; stop it with:  npx flourish local stop',
    );
    return failures === 0 ? EXIT.ok : EXIT.failure;
  },
};

function indent(text: string, spaces = 3): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
