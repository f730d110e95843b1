// Functions, versions, aliases and tags in one JSON document, kept in memory and written
// atomically after every change, before the change is acknowledged to the caller.
import path from 'node:path';
import type { CloudState } from '../lambda/model';
import { readJsonIfExists, writeFileAtomic, WriteQueue } from './atomic-file';

export class StateStore {
  private readonly queue = new WriteQueue();
  private readonly file: string;
  state: CloudState = { formatVersion: 1, functions: {} };

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'state.json');
  }

  async load(): Promise<void> {
    const loaded = await readJsonIfExists<CloudState>(this.file);
    if (loaded === undefined) return;
    if (loaded.formatVersion !== 1 || typeof loaded.functions !== 'object') {
      throw new Error(
        `The local cloud's state file ${this.file} has an unknown format; move it away to start with empty state.`,
      );
    }
    this.state = loaded;
  }

  /** Persists the current state; resolves once it is durable on disk. */
  save(): Promise<void> {
    return this.queue.run(() =>
      writeFileAtomic(this.file, JSON.stringify(this.state, null, 1), 0o600),
    );
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }
}
