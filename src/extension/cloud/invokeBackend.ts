// The invoke panel's link to the core: the same invokeFunction as `flourish invoke`; what the
// panel shows of the result is outcomeView's.
import { StringDecoder } from 'node:string_decoder';
import { invokeFunction, listVersions } from '../../core/deploy';
import type { CloudContext } from './index';
import type { ResolvedFunction } from '../functionRef';
import { providerFor } from './providers';
import { describeTarget, effectiveTarget } from '../targetSelection';
import type { InvokeBackend } from '../invoke/invokePanel';
import { outcomeView } from '../invoke/outcomeView';

export function invokeBackend(ctx: CloudContext, { entry, fn }: ResolvedFunction): InvokeBackend {
  const manifest = entry.manifest;
  const provider = () => providerFor(ctx, manifest, entry.uri);
  return {
    async describe() {
      const target = effectiveTarget(manifest, entry.uri);
      let versions: string[] = [];
      try {
        versions = (await listVersions(manifest, await provider(), fn.key)).map((v) => v.version);
      } catch (error) {
        // Not deployed yet, or the target is unreachable: the panel still opens.
        ctx.output.warn(`Could not list versions of ${fn.name}: ${(error as Error).message}`);
      }
      return {
        target: describeTarget(target).split(' · ')[0],
        stage: manifest.stage,
        qualifiers: [manifest.stage, '$LATEST', ...versions],
        defaultQualifier: manifest.stage,
      };
    },
    async invoke(qualifier, payload, signal, onText) {
      const startedAt = Date.now();
      // A part may end inside a character: the decoder keeps its first bytes for the next.
      const decoder = onText ? new StringDecoder('utf8') : undefined;
      const result = await invokeFunction(manifest, await provider(), fn.key, payload, {
        qualifier,
        signal,
        ...(onText ? { onStream: (chunk: Buffer) => onText(decoder!.write(chunk)) } : {}),
      }).finally(() => {
        // What is left is the start of a character the stream never finished.
        const rest = decoder?.end();
        if (rest) onText!(rest);
      });
      const roundTripMs = Date.now() - startedAt;
      ctx.output.info(`Invoked ${fn.name}:${qualifier} (request ${result.requestId})`);
      return outcomeView(result, startedAt, roundTripMs);
    },
  };
}
