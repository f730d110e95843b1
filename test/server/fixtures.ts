// Projects on disk for server tests: a temporary folder with a manifest and its handler files.
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Project {
  root: string;
  /** file: URI of a path inside the project. */
  uri(relative: string): string;
  write(relative: string, content: string): Promise<void>;
  remove(): Promise<void>;
}

export async function makeProject(files: Record<string, string> = {}): Promise<Project> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'flourish-server-test-')));
  const project: Project = {
    root,
    uri: (relative) => pathToFileURL(path.join(root, relative)).href,
    write: async (relative, content) => {
      const file = path.join(root, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  for (const [relative, content] of Object.entries(files)) await project.write(relative, content);
  return project;
}

/** Strips a common indentation so fixtures can be written indented inside tests. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => /^ */.exec(l)![0].length),
  );
  return text
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n')
    .replace(/[ \t]+$/, '');
}

export const HELLO_JS = `export const handler = async (event) => ({ statusCode: 200, body: 'hi' });\n`;

/** Takes the `|` out of a fixture and returns the text with the cursor's line and character. */
export function withCursor(marked: string): {
  text: string;
  position: { line: number; character: number };
} {
  const at = marked.indexOf('|');
  if (at < 0) throw new Error('fixture has no | cursor');
  const before = marked.slice(0, at);
  const line = before.split('\n').length - 1;
  const character = at - (before.lastIndexOf('\n') + 1);
  return { text: before + marked.slice(at + 1), position: { line, character } };
}
