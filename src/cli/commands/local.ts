import { once } from 'node:events';
import { defaultStateDir, startLocalCloud } from '../../core/local';
import { findRunningLocalCloud } from '../../core/launch';
import { stringOption, type Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { stateDirOf } from '../localCloud';

export const localCommand: Command = {
  name: 'local',
  summary: 'Run, inspect or stop the local cloud (start | status | stop)',
  usage: 'flourish local <start|status|stop> [--port N] [--state-dir DIR]',
  options: {
    port: { type: 'string', short: 'p' },
    'state-dir': { type: 'string' },
  },
  async run(ctx, positionals, values) {
    const action = positionals[0] ?? 'start';
    const stateDir = stateDirOf(ctx, values);
    if (action === 'start') {
      const port = parsePort(stringOption(values, 'port') ?? ctx.env.FLOURISH_LOCAL_PORT ?? '4010');
      const running = await findRunningLocalCloud(stateDir);
      if (running) {
        throw new UsageError(
          `A local cloud already runs for ${stateDir} at ${running.endpoint} (pid ${running.pid}). Stop it with "flourish local stop", or use --state-dir for a second one.`,
        );
      }
      const cloud = await startLocalCloud({ stateDir, port });
      ctx.output.result({
        endpoint: cloud.endpoint,
        region: cloud.region,
        stateDir,
        pid: process.pid,
      });
      ctx.output.line(`Local cloud listening on ${cloud.endpoint} (region ${cloud.region})`);
      ctx.output.line(`State: ${stateDir}${stateDir === defaultStateDir() ? ' (default)' : ''}`);
      ctx.output.line('Deploy with "flourish deploy"; stop with Ctrl-C or "flourish local stop".');
      if (!ctx.signal.aborted) await Promise.race([once(ctx.signal, 'abort'), onTerminate()]);
      await cloud.stop();
      ctx.output.line('Local cloud stopped.');
      return EXIT.ok;
    }
    if (action === 'status') {
      const running = await findRunningLocalCloud(stateDir);
      ctx.output.result({
        running: Boolean(running),
        stateDir,
        ...running,
        credentials: undefined,
      });
      ctx.output.line(
        running
          ? `Running at ${running.endpoint} (pid ${running.pid}), state in ${stateDir}`
          : `Not running (state in ${stateDir}). Start it with "flourish local start".`,
      );
      return running ? EXIT.ok : EXIT.failure;
    }
    if (action === 'stop') {
      const running = await findRunningLocalCloud(stateDir);
      if (!running) {
        ctx.output.line(`No local cloud is running for ${stateDir}.`);
        return EXIT.ok;
      }
      process.kill(running.pid, 'SIGTERM');
      await waitForExit(running.pid, ctx.signal);
      ctx.output.line(`Stopped the local cloud (pid ${running.pid}).`);
      return EXIT.ok;
    }
    throw new UsageError(`Unknown action "${action}": use start, status or stop.`);
  },
};

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      `--port must be a number from 0 to 65535 (0 picks a free port), not "${text}".`,
    );
  }
  return port;
}

function onTerminate(): Promise<void> {
  return new Promise((resolve) => process.once('SIGTERM', () => resolve()));
}

async function waitForExit(pid: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
