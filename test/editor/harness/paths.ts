// Where the harness keeps things. Everything it installs or generates lives under ignored
// folders (.cache/, test-results/), so a run never dirties the working tree.
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const editorTestDir = path.join(repoRoot, 'test', 'editor');
/** FLOURISH_EDITOR_CACHE lets several clones on one machine share one install. */
export const cacheDir = path.resolve(
  process.env.FLOURISH_EDITOR_CACHE ?? path.join(repoRoot, '.cache', 'editor'),
);
export const logsDir = path.join(cacheDir, 'logs');
export const resultsDir = path.join(repoRoot, 'test-results', 'editor');
