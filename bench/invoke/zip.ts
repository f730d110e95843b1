// A ZIP of the benchmark handler, for the peers deployed through the Lambda API.
import archiver from 'archiver';
import path from 'node:path';

export const HANDLER_DIR = path.join(__dirname, 'handler');

export function handlerZip(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = archiver('zip');
    const chunks: Buffer[] = [];
    archive.on('data', (c: Buffer) => chunks.push(c));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    archive.file(path.join(HANDLER_DIR, 'index.js'), { name: 'index.js', date: new Date(0) });
    void archive.finalize();
  });
}
