// A gate for functions under test: a handler connects to it and blocks until the test opens
// it, so a test knows exactly how many invocations are running without sleeping.
import { once } from 'node:events';
import net from 'node:net';

export class Gate {
  private readonly server = net.createServer((socket) => this.arrived(socket));
  private readonly waiting: net.Socket[] = [];
  private readonly watchers: { count: number; resolve: () => void }[] = [];
  port = 0;

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves once `count` invocations are held at the gate. */
  held(count: number): Promise<void> {
    if (this.waiting.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ count, resolve }));
  }

  open(): void {
    for (const socket of this.waiting.splice(0)) socket.end('go');
  }

  async stop(): Promise<void> {
    this.open();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private arrived(socket: net.Socket): void {
    socket.on('error', () => undefined);
    this.waiting.push(socket);
    for (const watcher of [...this.watchers]) {
      if (this.waiting.length >= watcher.count) {
        this.watchers.splice(this.watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    }
  }
}

/** A Node.js handler that waits at the gate whose port is in GATE_PORT, then returns 'passed'. */
export const GATED_HANDLER = `
import net from 'node:net';
export const handler = () => new Promise((resolve, reject) => {
  const socket = net.connect(Number(process.env.GATE_PORT), '127.0.0.1');
  socket.on('data', () => { socket.destroy(); resolve('passed'); });
  socket.on('error', reject);
});`;
