// Where `flourish invoke` gets its payload: inline JSON, a file, standard input, a saved
// payload or a sample event. Checked to be JSON before anything is sent.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { findSampleEvent, parsePayloadText, readPayload, SAMPLE_EVENTS } from '../core/events';
import { stringOption, type OptionSpec, type OptionValues } from './command';
import { UsageError } from './errors';

export const PAYLOAD_OPTIONS: OptionSpec = {
  data: { type: 'string', short: 'd' },
  file: { type: 'string' },
  event: { type: 'string', short: 'e' },
  sample: { type: 'string' },
};

export async function readPayloadInput(
  values: OptionValues,
  options: { cwd: string; root: string; functionKey: string; stdin: NodeJS.ReadableStream },
): Promise<string> {
  const given = ['data', 'file', 'event', 'sample'].filter(
    (name) => stringOption(values, name) !== undefined,
  );
  if (given.length > 1) {
    throw new UsageError(`Give the payload one way only, not --${given.join(' and --')}.`);
  }
  const data = stringOption(values, 'data');
  if (data !== undefined)
    return checked(data === '-' ? await readAll(options.stdin) : data, '--data');
  const file = stringOption(values, 'file');
  if (file !== undefined) {
    const text =
      file === '-'
        ? await readAll(options.stdin)
        : await readFile(path.resolve(options.cwd, file), 'utf8');
    return checked(text, file === '-' ? 'standard input' : file);
  }
  const event = stringOption(values, 'event');
  if (event !== undefined) return readPayload(options.root, options.functionKey, event);
  const sample = stringOption(values, 'sample');
  if (sample !== undefined) {
    const found = findSampleEvent(sample);
    if (!found) {
      throw new UsageError(
        `No sample event "${sample}". Samples: ${SAMPLE_EVENTS.map((s) => s.id).join(', ')}.`,
      );
    }
    return JSON.stringify(found.payload);
  }
  return '{}';
}

function checked(text: string, where: string): string {
  try {
    parsePayloadText(text, where);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return text;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
