// Generated projects for the benchmark: a flourish.yaml with N functions, each with its own
// handler file, so both servers see the same realistic manifest. One function carries a
// deliberate schema error so the run can check that both servers validate against the schema.
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const DELIBERATE_ERROR = 'memory: 20000';

export function manifestText(functions: number, revision = 0): string {
  const lines = [
    'service: bench',
    'provider:',
    '  name: local',
    '  region: us-east-1',
    'stage: dev',
    'defaults:',
    '  memory: 256',
    '  timeout: 10',
    'functions:',
  ];
  for (let i = 0; i < functions; i++) {
    const name = functionName(i);
    lines.push(
      `  ${name}:`,
      `    handler: src/${name}.handler`,
      `    runtime: ${i % 2 === 0 ? 'nodejs22.x' : 'nodejs24.x'}`,
      // The first description changes on every revision: each edit is a real change.
      `    description: Function ${i} revision ${i === 0 ? revision : 0}`,
      i === 0 ? `    ${DELIBERATE_ERROR}` : `    memory: ${128 * (1 + (i % 8))}`,
      `    timeout: ${1 + (i % 30)}`,
      '    architecture: arm64',
      '    environment:',
      `      TABLE_NAME: table-${i}`,
      '      LOG_LEVEL: info',
      '    events:',
      `      - http: GET /${name}`,
      `      - schedule: rate(${2 + (i % 10)} minutes)`,
    );
  }
  return lines.join('\n') + '\n';
}

function functionName(i: number): string {
  return `fn${String(i).padStart(4, '0')}`;
}

/** Writes the manifest and one handler file per function under `dir`; returns the manifest path. */
export async function writeProject(dir: string, functions: number): Promise<string> {
  await mkdir(path.join(dir, 'src'), { recursive: true });
  for (let i = 0; i < functions; i++) {
    await writeFile(
      path.join(dir, 'src', `${functionName(i)}.mjs`),
      `export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });\n`,
    );
  }
  const file = path.join(dir, 'flourish.yaml');
  await writeFile(file, manifestText(functions));
  return file;
}
