// Live logs: one output channel (with the log grammar) fed by the provider's push stream
// (StartLiveTail on AWS, the local cloud's stream locally) for any number of functions at once,
// filtered and pausable without losing lines (up to a bound while paused).
import * as vscode from 'vscode';
import type { LogEvent } from '../../core/cloud';
import type { CloudContext } from './index';
import type { ResolvedFunction } from '../functionRef';
import { describeLogFilter, matchesLogFilter, parseLogFilter, type LogFilter } from '../logFilter';
import { providerFor } from './providers';

const MAX_PAUSED_LINES = 10_000;

interface Tail {
  label: string;
  controller: AbortController;
}

export class LogTail implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Flourish Logs', 'flourish-log');
  private readonly tails = new Map<string, Tail>();
  private filter: LogFilter = {};
  private paused = false;
  private held: string[] = [];
  private dropped = 0;
  /** Every line written, for the editor tests; bounded. */
  readonly recent: string[] = [];

  get active(): string[] {
    return [...this.tails.values()].map((t) => t.label);
  }

  async start(ctx: CloudContext, { entry, fn }: ResolvedFunction): Promise<void> {
    const key = `${entry.uri.fsPath}#${fn.key}#${entry.manifest.stage}`;
    if (this.tails.has(key)) {
      this.channel.show(true);
      return;
    }
    const provider = await providerFor(ctx, entry.manifest, entry.uri);
    const controller = new AbortController();
    const label = `${fn.key} (${entry.manifest.stage}, ${provider.kind})`;
    this.tails.set(key, { label, controller });
    this.channel.show(true);
    this.write(
      `── following ${fn.name} on ${provider.label}; filter: ${describeLogFilter(this.filter)}`,
    );
    void this.pump(
      provider.tailLogs([provider.logGroupName(fn.name)], { signal: controller.signal }),
      fn.key,
      key,
      controller,
    );
  }

  private async pump(
    events: AsyncIterable<LogEvent>,
    who: string,
    key: string,
    controller: AbortController,
  ): Promise<void> {
    try {
      for await (const event of events) {
        for (const line of event.message.replace(/\n$/, '').split('\n')) {
          if (matchesLogFilter(line, this.filter)) {
            this.write(`${new Date(event.timestamp).toISOString()} ${who} ${line}`);
          }
        }
      }
    } catch (error) {
      if (!controller.signal.aborted)
        this.write(`── ${who}: the log stream ended: ${(error as Error).message}`);
    } finally {
      if (this.tails.get(key)?.controller === controller) this.tails.delete(key);
    }
  }

  stop(): string[] {
    const stopped = this.active;
    for (const tail of this.tails.values()) tail.controller.abort();
    this.tails.clear();
    if (stopped.length) this.write(`── stopped following ${stopped.join(', ')}`);
    return stopped;
  }

  setFilter(input: string): LogFilter {
    this.filter = parseLogFilter(input);
    this.write(`── filter: ${describeLogFilter(this.filter)}`);
    return this.filter;
  }

  togglePause(): boolean {
    this.paused = !this.paused;
    if (!this.paused) {
      const held = this.held;
      this.held = [];
      for (const line of held) this.append(line);
      if (this.dropped) this.append(`── ${this.dropped} lines dropped while paused`);
      this.dropped = 0;
    }
    this.append(this.paused ? '── paused (new lines are held)' : '── resumed');
    return this.paused;
  }

  private write(line: string): void {
    if (!this.paused) return this.append(line);
    if (this.held.length < MAX_PAUSED_LINES) this.held.push(line);
    else this.dropped += 1;
  }

  private append(line: string): void {
    this.channel.appendLine(line);
    this.recent.push(line);
    if (this.recent.length > 1000) this.recent.shift();
  }

  dispose(): void {
    this.stop();
    this.channel.dispose();
  }
}
