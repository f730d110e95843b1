// Entry of the benchmark's Flourish process: packages the example once and prints the result,
// so Flourish is timed as a process, like the peers.
import { packageFunction } from '../../src/core/build';
import { benchFunction, benchManifest } from './example';

const [root, cacheDir] = process.argv.slice(2);
packageFunction(benchManifest(root), benchFunction, { cacheDir }).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
