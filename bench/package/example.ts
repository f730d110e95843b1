// The benchmark's example service: one Node.js function with a realistic node_modules (AWS SDK
// clients, date-fns, lodash, moment, express, ...) and a devDependency that must stay out of
// the zip. Installed once from npm into .cache/, which is ignored by git.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FunctionSpec, Manifest } from '../../src/core/manifest/types';

export const repo = path.resolve(__dirname, '../..');
export const benchDir = path.join(repo, '.cache', 'bench-package');
export const projectDir = path.join(benchDir, 'project');
export const peersDir = path.join(repo, '.cache', 'bench-peers');

const PACKAGE_JSON = {
  name: 'bench-package-example',
  version: '1.0.0',
  private: true,
  dependencies: {
    '@aws-sdk/client-s3': '^3.700.0',
    '@aws-sdk/client-dynamodb': '^3.700.0',
    '@aws-sdk/lib-dynamodb': '^3.700.0',
    'date-fns': '3.6.0',
    lodash: '4.17.21',
    moment: '2.30.1',
    axios: '1.7.9',
    express: '4.21.2',
    zod: '3.24.1',
    uuid: '11.0.3',
  },
  devDependencies: { typescript: '5.7.2' },
};

const HANDLER = `const _ = require('lodash');
const { S3Client } = require('@aws-sdk/client-s3');
const s3 = new S3Client({});
exports.handler = async (event) => ({
  statusCode: 200,
  body: JSON.stringify({ picked: _.pick(event, ['name']), region: typeof s3 }),
});
`;

const SERVERLESS_YML = `service: bench-package
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
functions:
  api:
    handler: handler.handler
`;

/** What every tool leaves out: each one's own output and configuration. */
export const TOOL_FILES = [
  '.serverless/**',
  'serverless.yml',
  'flourish.yaml',
  'package-lock.json',
];

export const benchFunction: FunctionSpec = {
  key: 'api',
  name: 'bench-package-dev-api',
  handler: 'handler.handler',
  runtime: 'nodejs20.x',
  memory: 128,
  timeout: 3,
  architecture: 'x86_64',
  environment: {},
  ephemeralStorage: 512,
  logFormat: 'Text',
  tags: {},
  package: { include: [], exclude: TOOL_FILES },
  events: [],
};

export function benchManifest(root = projectDir): Manifest {
  return {
    service: 'bench-package',
    stage: 'dev',
    provider: { name: 'local', region: 'us-east-1' },
    functions: [benchFunction],
    root,
    file: path.join(root, 'flourish.yaml'),
  };
}

function npm(args: string[], cwd: string): void {
  console.log(`$ npm ${args.join(' ')}   (in ${path.relative(repo, cwd)})`);
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, stdio: 'inherit' });
}

async function writeIfChanged(file: string, text: string): Promise<void> {
  if ((await readFile(file, 'utf8').catch(() => undefined)) !== text) await writeFile(file, text);
}

/** Writes the example and installs its dependencies and Serverless v3, the first time only. */
export async function ensureExample(): Promise<void> {
  await mkdir(projectDir, { recursive: true });
  const pkgFile = path.join(projectDir, 'package.json');
  const wanted = JSON.stringify(PACKAGE_JSON, null, 2) + '\n';
  const current = await readFile(pkgFile, 'utf8').catch(() => '');
  // Rewritten only when different: a file changed just now is re-read on every package (its
  // timestamp cannot be trusted yet), which a real project's settled sources are not.
  await writeIfChanged(path.join(projectDir, 'handler.js'), HANDLER);
  await writeIfChanged(path.join(projectDir, 'serverless.yml'), SERVERLESS_YML);
  if (current !== wanted || !existsSync(path.join(projectDir, 'node_modules', 'lodash'))) {
    await writeFile(pkgFile, wanted);
    npm(['install', '--no-audit', '--no-fund', '--ignore-scripts'], projectDir);
  }
  if (!existsSync(serverlessBin())) {
    await mkdir(peersDir, { recursive: true });
    const peersPkg = path.join(peersDir, 'package.json');
    if (!existsSync(peersPkg))
      await writeFile(peersPkg, '{ "name": "bench-peers", "private": true }\n');
    npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', 'serverless@3'], peersDir);
  }
}

export function serverlessBin(): string {
  return path.join(peersDir, 'node_modules', 'serverless', 'bin', 'serverless.js');
}
