// Shared by the deploy and rollback integration tests: a temp project (a Node.js and a Python
// function) and a local cloud per suite, reached through resolveTarget like the CLI does.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { resolveTarget, type AwsLambdaProvider } from '../../../src/core/cloud';
import {
  localCloudClientConfig,
  startLocalCloud,
  type LocalCloud,
  type LocalCloudOptions,
} from '../../../src/core/local';
import { loadManifest, type Manifest } from '../../../src/core/manifest';

export interface ProjectSettings {
  /** Returned by the Node.js handler: a code change. */
  marker: string;
  greeting: string;
  memory: number;
  timeout: number;
}

export const INITIAL: ProjectSettings = {
  marker: 'one',
  greeting: 'Hello',
  memory: 256,
  timeout: 10,
};

export function manifestText(s: ProjectSettings): string {
  return `service: shop
provider:
  name: local
  region: us-east-1
stage: dev
functions:
  greet:
    description: Greets by name.
    handler: src/greet.handler
    runtime: nodejs22.x
    memory: ${s.memory}
    timeout: ${s.timeout}
    environment:
      GREETING: ${s.greeting}
    package:
      include:
        - src/**
  stats:
    handler: analytics/stats.handler
    runtime: python3.12
    package:
      include:
        - analytics/**
`;
}

export function nodeHandler(marker: string): string {
  return `exports.handler = async (event) => {
  // Enough lines to push the start of the log out of the 4 KB tail Invoke returns.
  for (let i = 0; i < ((event && event.lines) || 0); i++) console.log('line ' + i + ' ' + 'x'.repeat(80));
  if (event && event.fail) throw new Error('asked to fail');
  return {
  marker: ${JSON.stringify(marker)},
  greeting: process.env.GREETING,
  memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  name: event && event.name,
  };
};
`;
}

const PYTHON_HANDLER = `def handler(event, context):
    numbers = event.get("numbers", [])
    print("summing", len(numbers), "numbers")
    return {"sum": sum(numbers), "count": len(numbers)}
`;

export class TestProject {
  private constructor(
    readonly root: string,
    readonly cacheDir: string,
  ) {}

  static async create(settings: ProjectSettings = INITIAL): Promise<TestProject> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'flourish-deploy-'));
    await mkdir(path.join(root, 'src'));
    await mkdir(path.join(root, 'analytics'));
    await writeFile(path.join(root, 'analytics', 'stats.py'), PYTHON_HANDLER);
    const project = new TestProject(root, path.join(root, '.cache'));
    await project.apply(settings);
    return project;
  }

  get manifestFile(): string {
    return path.join(this.root, 'flourish.yaml');
  }

  /** Writes the manifest and the Node.js handler for these settings. */
  async apply(settings: ProjectSettings): Promise<void> {
    await writeFile(this.manifestFile, manifestText(settings));
    await writeFile(path.join(this.root, 'src', 'greet.js'), nodeHandler(settings.marker));
  }

  async write(relative: string, text: string): Promise<void> {
    await writeFile(path.join(this.root, relative), text);
  }

  load(): Promise<Manifest> {
    return loadManifest(this.manifestFile, { stage: 'dev' });
  }

  remove(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}

export class TestCloud {
  /** Every API operation the provider sent, in order. */
  readonly calls: string[] = [];
  cloud!: LocalCloud;
  provider!: AwsLambdaProvider;
  /** A plain SDK client on the same cloud, for looking and for changes outside Flourish. */
  lambda!: LambdaClient;
  private running = false;

  private constructor(
    readonly stateDir: string,
    private readonly options: Omit<LocalCloudOptions, 'stateDir' | 'port'>,
  ) {}

  static async start(options: Omit<LocalCloudOptions, 'stateDir' | 'port'> = {}) {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'flourish-cloud-'));
    const env = new TestCloud(stateDir, options);
    await env.startCloud();
    return env;
  }

  /** Starts the cloud on the state folder (again, after stopCloud) and connects to it. */
  async startCloud(): Promise<void> {
    this.cloud = await startLocalCloud({ ...this.options, stateDir: this.stateDir, port: 0 });
    this.running = true;
    this.provider = (await resolveTarget(
      {
        service: 'unused',
        stage: 'dev',
        provider: { name: 'local', region: 'us-east-1' },
        functions: [],
        root: this.stateDir,
        file: path.join(this.stateDir, 'flourish.yaml'),
      },
      { localStateDir: this.stateDir, onRequest: (op) => this.calls.push(op) },
    )) as AwsLambdaProvider;
    this.lambda = new LambdaClient(localCloudClientConfig(this.cloud));
  }

  /** Stops the cloud and keeps its state, as a crash or a lost connection would. */
  async stopCloud(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.provider.dispose();
    this.lambda.destroy();
    await this.cloud.stop();
  }

  async stop(): Promise<void> {
    await this.stopCloud();
    await rm(this.stateDir, { recursive: true, force: true });
  }
}

export function startTestCloud(
  options: Omit<LocalCloudOptions, 'stateDir' | 'port'> = {},
): Promise<TestCloud> {
  return TestCloud.start(options);
}

/** Operations that change something: anything but reads. */
export function writeCalls(calls: string[]): string[] {
  return calls.filter((op) => !/^(Get|List|Describe|Filter)/.test(op));
}

export function json(payload: Buffer): Record<string, unknown> {
  return JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
}
