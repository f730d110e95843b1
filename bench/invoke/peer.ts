// What the benchmark needs from each system under test.
export interface Peer {
  name: string;
  /** Why it cannot run here, if it cannot (e.g. not installed); the table says so. */
  unavailable(): Promise<string | undefined>;
  start(): Promise<void>;
  /** One invocation of the already warm function; rejects if it failed. */
  invoke(): Promise<void>;
  /** Latency (ms) of the first invocation of a function that has never run; `i` counts samples. */
  cold(i: number): Promise<number>;
  coldSamples: number;
  stop(): Promise<void>;
}

/**
 * Cold samples per peer, the same for every one: cold p99 is the slowest of them, so a peer
 * given more samples would have more chances at a slow one.
 */
export const COLD_SAMPLES = 20;

export const PAYLOAD = { hello: 'world', n: 42, items: [1, 2, 3] };
export const PEERS_DIR = '.cache/bench-peers';
