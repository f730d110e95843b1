// Console output, formatted as Lambda's Node.js runtime does: writeOut() writes straight to
// fd 1 and blocks while the pipe is full, and patchConsole() makes console.log and its kin write
// one log line each with the time, the current request id and the level.
import util from 'node:util';
import { writeSync } from 'node:fs';
import { state } from './runtime-state.mjs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes straight to fd 1 and blocks while the pipe is full, so a function that prints without
 * end is slowed to the reader's pace instead of queueing its output in memory.
 */
export function writeOut(text) {
  let buf = Buffer.from(text);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(1, buf));
    } catch (err) {
      // fd 1 turns non-blocking if the handler used process.stdout itself: wait, then retry.
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

export function patchConsole() {
  // Newlines inside one message become \r so the message stays one log event.
  const write = (level) =>
    function (...args) {
      const message = util.format(...args).replace(/\n/g, '\r');
      writeOut(`${new Date().toISOString()}\t${state.currentRequestId}\t${level}\t${message}\n`);
    };
  console.log = write('INFO');
  console.info = write('INFO');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.debug = write('DEBUG');
  console.trace = function (...args) {
    const stack = new Error().stack.split('\n').slice(2).join('\n');
    write('TRACE')(util.format(...args) + '\n' + stack);
  };
  console.fatal = write('FATAL');
}
