// The end-to-end path through the editor's commands against the local cloud: start it, deploy a
// function, invoke it with a payload in the invoke panel, follow its logs, deploy a change as a
// new version and roll back. Commands return what they did, which is what these tests read.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { harness, workspaceManifest } from './helpers';

interface FunctionRef {
  manifestFile: string;
  functionKey: string;
}
interface DeploySummary {
  ok: boolean;
  cancelled: boolean;
  functions: { key: string; status: string; version?: string }[];
}
interface RollbackResult {
  functionName: string;
  alias: string;
  from: string;
  to: string;
}

const INVOKE_CHECK = 'the invoke panel shows the result of an invocation';
const DEPLOYED_CHECK = 'the Deployed view shows a function with its aliases and versions';
const STREAM_CHECK = 'the invoke panel shows a streamed response as it comes';

// A function that streams two parts and waits, between them, for a file the check creates.
const STREAMER = `export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const { existsSync } = await import('node:fs');
  responseStream.write('first part\\n');
  const deadline = Date.now() + 50000;
  while (!existsSync(event.gate) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  responseStream.end('second part\\n');
});
`;
const STREAMER_SPEC = `
  streamer:
    handler: src/streamer.handler
    runtime: nodejs22.x
    timeout: 60
    package:
      include:
        - src/streamer.mjs
    events:
      - http: { method: GET, path: /stream, stream: true }
`;

describe('deploy, invoke, logs and rollback on the local cloud', function () {
  this.timeout(120_000);
  let ref: FunctionRef;
  let handlerSource: vscode.Uri;
  const versions: string[] = [];
  let rolledBack: RollbackResult | undefined;

  before(async () => {
    const manifest = await workspaceManifest();
    const text = (await vscode.workspace.openTextDocument(manifest)).getText();
    const functions = (
      parse(text) as { functions?: Record<string, { handler?: string; runtime?: string }> }
    ).functions;
    // A Node.js function: the machine has Node; Python may not be installed everywhere.
    const [key, spec] =
      Object.entries(functions ?? {}).find(([, fn]) => fn.runtime?.startsWith('nodejs')) ?? [];
    assert.ok(key && spec?.handler, 'the example manifest has no Node.js function to deploy');
    ref = { manifestFile: manifest.fsPath, functionKey: key };
    const modulePath = spec.handler.slice(0, spec.handler.lastIndexOf('.'));
    const dir = path.dirname(manifest.fsPath);
    const [source] = await vscode.workspace.findFiles(
      new vscode.RelativePattern(dir, `${modulePath}.{js,mjs,cjs}`),
      undefined,
      1,
    );
    assert.ok(source, `no source file for handler ${spec.handler}`);
    handlerSource = source;
  });

  after(async () => {
    await vscode.commands.executeCommand('flourish.stopLocalCloud');
  });

  it('starts the local cloud on loopback', async () => {
    const info = await vscode.commands.executeCommand<{ endpoint: string; pid: number }>(
      'flourish.startLocalCloud',
    );
    assert.match(info.endpoint, /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+/);
    // It runs in a session of its own; the harness stops it too if this suite cannot.
    const adopted = await harness()?.request({ kind: 'adoptProcess', pid: info.pid }, 10_000);
    if (adopted && !adopted.ok) throw new Error(adopted.error);
  });

  it('deploys a function and reports its version', async () => {
    versions.push(await deploy(ref));
  });

  it('invokes it with a payload in the invoke panel and shows its log', async function () {
    const channel = harness();
    if (!channel) this.skip(); // reading the webview needs the browser harness
    await vscode.commands.executeCommand('flourish.invoke', ref);
    const response = await channel.request(
      { kind: 'uiCheck', name: INVOKE_CHECK, input: JSON.stringify({ name: 'Editor tests' }) },
      90_000,
    );
    if (!response.ok) throw new Error(response.error);
    const shown = JSON.parse(response.text ?? '{}') as { response?: string; log?: string };
    assert.match(
      shown.response ?? '',
      /Editor tests/,
      `the response does not echo the payload: ${shown.response}`,
    );
    // The invocation's own log lines, as Lambda writes them, are shown with the result.
    assert.match(
      shown.log ?? '',
      /START RequestId: [\s\S]*REPORT RequestId: /,
      `no invocation log shown: ${shown.log}`,
    );
  });

  it("follows its logs: a new invocation's lines arrive in the log view", async () => {
    // tailLogs answers with the log streams it now follows, e.g. "greet (dev, local)", and the
    // live list of lines the view shows.
    const tail = await vscode.commands.executeCommand<{ following: unknown; lines?: string[] }>(
      'flourish.tailLogs',
      ref,
    );
    const following = Array.isArray(tail?.following) ? (tail.following as unknown[]) : [];
    assert.ok(
      following.some((stream) => typeof stream === 'string' && stream.startsWith(ref.functionKey)),
      `tailLogs does not follow ${ref.functionKey}: ${JSON.stringify(tail)}`,
    );
    const lines = tail.lines ?? [];
    // Invoke through the panel's own message handler, as the Invoke button does.
    const panel = await vscode.commands.executeCommand<{
      receive(message: {
        type: 'invoke';
        id: number;
        qualifier: string;
        payload: string;
      }): Promise<void>;
    }>('flourish.invoke', ref);
    await panel.receive({
      type: 'invoke',
      id: 1001,
      qualifier: 'dev',
      payload: '{"name":"tail check"}',
    });
    const deadline = Date.now() + 30_000;
    // The tail is a push stream with no event the test can await; poll the view's lines.
    const arrived = () =>
      lines.some((line) => line.includes('greeting tail check')) &&
      lines.some((line) => /REPORT RequestId: /.test(line));
    while (!arrived()) {
      assert.ok(
        Date.now() < deadline,
        `the invocation's lines did not arrive; the view shows: ${lines.join('\n')}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const channel = harness();
    if (channel) {
      const shown = await channel.request(
        {
          kind: 'uiCheck',
          name: 'the log output shows the followed lines',
          input: 'greeting tail check',
        },
        60_000,
      );
      if (!shown.ok) throw new Error(shown.error);
    }
    await vscode.commands.executeCommand('flourish.stopTail');
  });

  it('opens the dashboard with the invocations so far and the throttles', async function () {
    const channel = harness();
    if (!channel) this.skip(); // reading the webview needs the browser harness
    await vscode.commands.executeCommand('flourish.openDashboard');
    const response = await channel.request(
      { kind: 'uiCheck', name: "the dashboard shows the service's numbers" },
      90_000,
    );
    if (!response.ok) throw new Error(response.error);
    const shown = JSON.parse(response.text ?? '{}') as {
      invocations?: string;
      throttles?: string;
      rows?: string[];
    };
    assert.ok(
      Number(shown.invocations) >= 2,
      `the dashboard counts ${shown.invocations} invocations`,
    );
    // Nothing here exceeds the local cloud's concurrency, and its metrics can always be read.
    assert.equal(shown.throttles, '0', `the dashboard shows throttles as ${shown.throttles}`);
    assert.ok(
      (shown.rows ?? []).some((row) => row.startsWith(ref.functionKey)),
      `no row for ${ref.functionKey}: ${JSON.stringify(shown.rows)}`,
    );
  });

  it('deploys a change as a new version', async () => {
    const edit = new vscode.WorkspaceEdit();
    const document = await vscode.workspace.openTextDocument(handlerSource);
    edit.insert(
      handlerSource,
      new vscode.Position(document.lineCount, 0),
      '\n// changed by the editor tests\n',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save(), `could not save ${handlerSource.fsPath}`);
    const version = await deploy(ref);
    assert.notEqual(version, versions[0], 'a changed handler deployed as the same version');
    versions.push(version);
  });

  it('rolls back to the previous version', async () => {
    assert.equal(versions.length, 2, 'needs the two deploys above');
    const result = await vscode.commands.executeCommand<RollbackResult | undefined>(
      'flourish.rollback',
      ref,
      versions[0],
    );
    assert.ok(result, 'rollback returned nothing');
    assert.equal(result.to, versions[0]);
    assert.equal(result.from, versions[1]);
    rolledBack = result;
  });

  it('shows it in the Deployed view with both versions and the alias on the first', async function () {
    const channel = harness();
    if (!channel) this.skip(); // reading the tree needs the browser harness
    assert.ok(rolledBack, 'needs the rollback above');
    await vscode.commands.executeCommand('workbench.view.extension.flourish');
    await vscode.commands.executeCommand('flourish.deployed.focus');
    const rows = [
      `${rolledBack.alias} → ${versions[0]}`,
      `version ${versions[0]}`,
      `version ${versions[1]}`,
    ];
    const response = await channel.request(
      {
        kind: 'uiCheck',
        name: DEPLOYED_CHECK,
        input: JSON.stringify({ functionName: rolledBack.functionName, rows }),
      },
      60_000,
    );
    if (!response.ok) throw new Error(response.error);
  });

  it('streams a response into the invoke panel as the function writes it', async function () {
    const channel = harness();
    if (!channel) this.skip(); // reading the webview needs the browser harness
    const manifest = vscode.Uri.file(ref.manifestFile);
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(manifest, '..', 'src', 'streamer.mjs'),
      Buffer.from(STREAMER),
    );
    const document = await vscode.workspace.openTextDocument(manifest);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(manifest, new vscode.Position(document.lineCount, 0), STREAMER_SPEC);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save(), `could not save ${manifest.fsPath}`);
    const streamer = { manifestFile: ref.manifestFile, functionKey: 'streamer' };
    await deploy(streamer);

    const gates = mkdtempSync(path.join(os.tmpdir(), 'flourish-stream-gate-'));
    try {
      const gate = path.join(gates, 'go');
      await vscode.commands.executeCommand('flourish.invoke', streamer);
      const response = await channel.request(
        {
          kind: 'uiCheck',
          name: STREAM_CHECK,
          input: JSON.stringify({
            functionKey: 'streamer',
            payload: JSON.stringify({ gate }),
            gate,
          }),
        },
        120_000,
      );
      if (!response.ok) throw new Error(response.error);
      const shown = JSON.parse(response.text ?? '{}') as {
        live?: string;
        running?: boolean;
        response?: string;
      };
      assert.ok(existsSync(gate), 'the check did not open the gate');
      assert.equal(shown.live?.trim(), 'first part', 'the first part alone, as it came');
      assert.equal(shown.running, true, 'the invocation was still running');
      assert.match(shown.response ?? '', /first part\s+second part/);
    } finally {
      rmSync(gates, { recursive: true, force: true });
    }
  });
});

async function deploy(ref: FunctionRef): Promise<string> {
  const summary = await vscode.commands.executeCommand<DeploySummary | undefined>(
    'flourish.deployFunction',
    ref,
  );
  assert.ok(
    summary?.ok,
    `deploy of ${ref.functionKey} did not succeed: ${JSON.stringify(summary)} (the reason is in the Flourish output channel; the harness keeps it under test-results/editor/logs/)`,
  );
  const deployed = summary.functions.find((fn) => fn.key === ref.functionKey);
  assert.ok(
    deployed?.version,
    `deploy reported no version for ${ref.functionKey}: ${JSON.stringify(summary)}`,
  );
  return deployed.version;
}
