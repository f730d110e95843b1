// How the CLI speaks: short progress lines on a terminal, plain lines in a pipe, one JSON
// document with --json. Results go to stdout; progress and diagnostics go to stderr.
import type { Writable } from 'node:stream';

export interface OutputOptions {
  json: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  color?: boolean;
}

export class Output {
  readonly json: boolean;
  private readonly stdout: Writable & { isTTY?: boolean };
  private readonly stderr: Writable & { isTTY?: boolean };
  private readonly color: boolean;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.color =
      options.color ?? (Boolean(this.stderr.isTTY) && !process.env.NO_COLOR && !options.json);
  }

  get interactive(): boolean {
    return Boolean(this.stderr.isTTY) && !this.json;
  }

  /** A result line for humans (suppressed with --json, where `result()` speaks instead). */
  line(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** Bytes of a response as they stream in, unchanged (suppressed with --json). */
  raw(bytes: Uint8Array): void {
    if (!this.json) this.stdout.write(bytes);
  }

  /** Progress and notes: stderr, so stdout stays clean for pipes. */
  progress(text: string): void {
    if (!this.json) this.stderr.write(`${this.dim('›')} ${text}\n`);
  }

  /** Text for people alongside a result (a function's log): stderr, unprefixed. */
  aside(text: string): void {
    if (!this.json) this.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`${this.paint('33', 'warning')} ${text}\n`);
  }

  error(text: string): void {
    this.stderr.write(`${this.paint('31', 'error')} ${text}\n`);
  }

  /** The machine-readable result of a command (only with --json). */
  result(value: unknown): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One record of a stream of results (NDJSON with --json), e.g. log events as they come. */
  record(value: unknown): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  bold(text: string): string {
    return this.paint('1', text);
  }

  dim(text: string): string {
    return this.paint('2', text);
  }

  green(text: string): string {
    return this.paint('32', text);
  }

  red(text: string): string {
    return this.paint('31', text);
  }

  private paint(code: string, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}
