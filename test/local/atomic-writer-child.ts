// Child process for the crash test: rewrites one file atomically in a loop until killed.
import { writeFileAtomic } from '../../src/core/local/store/atomic-file';

const file = process.argv[2]!;
const pad = 'x'.repeat(2 * 1024 * 1024);

void (async () => {
  for (let n = 1; ; n++) {
    await writeFileAtomic(file, JSON.stringify({ n, pad }));
    if (n === 1) process.stdout.write('ready\n');
  }
})();
