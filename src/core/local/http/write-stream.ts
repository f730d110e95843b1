// Writes a response whose body is produced as it goes (chunked), waiting on the caller's
// reading pace. A producer that fails midway leaves a body the caller sees cut short (the
// connection is reset without the last chunk): that is the whole report of the failure.
import type { ServerResponse } from 'node:http';

export async function writeStreamed(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: AsyncIterable<Buffer>,
): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.flushHeaders();
  try {
    // Leaving the loop early (the caller hung up) ends the producer too.
    for await (const part of body) {
      if (res.destroyed) break;
      if (!res.write(part)) await drainedOrClosed(res);
    }
  } catch {
    res.destroy();
    return;
  }
  res.end();
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const go = (): void => {
      res.off('drain', go).off('close', go);
      resolve();
    };
    res.on('drain', go).on('close', go);
  });
}
