import { invokeFunction } from '../../core/deploy';
import { MANIFEST_OPTIONS, stringOption, type Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { PAYLOAD_OPTIONS, readPayloadInput } from '../payloadInput';
import { loadProject, oneFunction } from '../project';
import { providerFor, TARGET_OPTIONS } from '../target';

export const invokeCommand: Command = {
  name: 'invoke',
  summary: 'Invoke a deployed function with a payload; print its response and its log',
  usage:
    'flourish invoke <function> [--data JSON | --file F | --event NAME | --sample ID] [--qualifier Q] [--async | --stream] [--json]',
  options: {
    ...MANIFEST_OPTIONS,
    ...TARGET_OPTIONS,
    ...PAYLOAD_OPTIONS,
    qualifier: { type: 'string', short: 'q' },
    async: { type: 'boolean', default: false },
    // Print the response as the function streams it (InvokeWithResponseStream).
    stream: { type: 'boolean', default: false },
  },
  async run(ctx, positionals, values) {
    if (values.async === true && values.stream === true) {
      throw new UsageError(
        '--async and --stream do not go together: an Event invocation has no response to stream.',
      );
    }
    const manifest = await loadProject(ctx, values);
    const fn = oneFunction(manifest, positionals[0]);
    const payload = await readPayloadInput(values, {
      cwd: ctx.cwd,
      root: manifest.root,
      functionKey: fn.key,
      stdin: process.stdin,
    });
    const provider = await providerFor(ctx, manifest, values);
    let streamed = 0;
    let lastByte = 0;
    const result = await invokeFunction(manifest, provider, fn.key, payload, {
      qualifier: stringOption(values, 'qualifier'),
      invocationType: values.async === true ? 'Event' : 'RequestResponse',
      signal: ctx.signal,
      ...(values.stream === true
        ? {
            onStream: (chunk: Buffer) => {
              streamed += chunk.length;
              if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!;
              ctx.output.raw(chunk);
            },
          }
        : {}),
    });
    const body = result.payload.toString('utf8');
    ctx.output.result({
      function: result.functionName,
      qualifier: result.qualifier,
      statusCode: result.statusCode,
      functionError: result.functionError,
      executedVersion: result.executedVersion,
      requestId: result.requestId,
      response: parseOrText(body),
      log: result.log,
      logComplete: result.logComplete,
    });
    if (!ctx.output.json) {
      if (streamed > 0) {
        // The response is out already, as it came; end its last line.
        if (lastByte !== 0x0a) ctx.output.line();
      }
      if (result.log) ctx.output.aside(ctx.output.dim(result.log.trimEnd()));
      if (streamed === 0 || result.functionError) {
        ctx.output.line(body ? pretty(body) : `(${result.statusCode}, no response body)`);
      }
      if (result.functionError) ctx.output.error(`${fn.key} failed (${result.functionError}).`);
    }
    return result.functionError ? EXIT.failure : EXIT.ok;
  },
};

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function pretty(text: string): string {
  const value = parseOrText(text);
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
