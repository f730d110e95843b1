// Fresh copies of the workspaces the editor opens, so tests may edit them freely.
import { cpSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Scenario } from '../scenarios';
import { editorTestDir, repoRoot } from './paths';

/** examples/hello once it has a manifest; the fixture shaped like it until then. */
export function exampleSource(): string {
  const example = path.join(repoRoot, 'examples', 'hello');
  if (existsSync(path.join(example, 'flourish.yaml'))) return example;
  return path.join(editorTestDir, 'fixtures', 'hello');
}

export function copyWorkspace(kind: Scenario['workspace'], target: string): string {
  const source =
    kind === 'example' ? exampleSource() : path.join(editorTestDir, 'fixtures', 'empty');
  cpSync(source, target, { recursive: true });
  return target;
}
