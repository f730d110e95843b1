// From a handler string to the source file and function it names, and back: resolving a
// function's handler, listing every handler a workspace could use, and writing a new one.
import * as path from 'node:path';
import { handlerFormatError, splitHandler } from './handler-format';
import { nodeFs, type ManifestFs } from './fs';
import { RUNTIMES, findRuntime, type RuntimeFamily, type RuntimeInfo } from './runtimes';
import {
  scanJavaScript,
  scanPython,
  scanRuby,
  type ExportScan,
  type HandlerExport,
} from './source-exports';
import type { FunctionSpec } from './types';

export type { HandlerExport } from './source-exports';

export interface HandlerTarget {
  exportName: string;
  /** Absolute path of the source file, when one was found. */
  file?: string;
  /** Absolute paths tried, in order. */
  candidates: string[];
  /** Everything the file exports (or defines at top level). */
  exports: HandlerExport[];
  /** The export the handler names, when the file has it. */
  found?: HandlerExport;
  /** The file re-exports whole modules (`export * from`), so a missing name may still exist. */
  reexportsAll?: boolean;
}

const EXTENSIONS: Partial<Record<RuntimeFamily, string[]>> = {
  nodejs: ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'],
  python: ['.py'],
  ruby: ['.rb'],
};

const SCANNERS: Partial<Record<RuntimeFamily, (source: string) => ExportScan>> = {
  nodejs: memoised(scanJavaScript),
  python: memoised(scanPython),
  ruby: memoised(scanRuby),
};

function scanner(family: RuntimeFamily): ((source: string) => ExportScan) | undefined {
  return SCANNERS[family];
}

// Validation runs on every keystroke and resolves every handler again; the files rarely change
// between two runs, so their scans are kept by content (a bounded, most-recently-used set).
function memoised(
  scan: (source: string) => ExportScan,
  size = 256,
): (source: string) => ExportScan {
  const cache = new Map<string, ExportScan>();
  return (source) => {
    const hit = cache.get(source);
    if (hit) {
      cache.delete(source);
      cache.set(source, hit);
      return hit;
    }
    const result = scan(source);
    cache.set(source, result);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return result;
  };
}

export function runtimeFamily(runtime: string): RuntimeFamily | undefined {
  return findRuntime(runtime)?.family;
}

/** Finds the file a handler names and whether it exports the function. */
export async function resolveHandler(
  root: string,
  fn: Pick<FunctionSpec, 'handler' | 'runtime' | 'build'>,
  fs: ManifestFs = nodeFs,
): Promise<HandlerTarget> {
  const family = runtimeFamily(fn.runtime);
  const parts = family ? splitHandler(fn.handler, family) : undefined;
  const scan = family ? scanner(family) : undefined;
  if (!family || !parts || !scan) {
    return { exportName: fn.handler.split(/[.:]/).pop() ?? '', candidates: [], exports: [] };
  }
  const bases = [root];
  // With a build step the handler names a file in the build output; the unbuilt source is
  // looked for too (beside the manifest, or under src/ as compilers conventionally read it),
  // so a fresh checkout is not reported as broken.
  if (fn.build?.output) bases.unshift(path.resolve(root, fn.build.output));
  if (fn.build?.output && path.resolve(root, fn.build.output) !== path.resolve(root, 'src')) {
    bases.push(path.resolve(root, 'src'));
  }
  const candidates: string[] = [];
  for (const base of bases) {
    const stem = path.resolve(base, parts.module);
    for (const ext of EXTENSIONS[family] ?? []) candidates.push(stem + ext);
    if (family === 'python') candidates.push(path.join(stem, '__init__.py'));
  }
  for (const file of candidates) {
    const text = await fs.readFile(file);
    if (text === undefined) continue;
    const result = scan(text);
    const target: HandlerTarget = {
      exportName: parts.exportName,
      file,
      candidates,
      exports: result.exports,
    };
    const found = result.exports.find((e) => e.name === parts.exportName);
    if (found) target.found = found;
    if (result.reexportsAll) target.reexportsAll = true;
    return target;
  }
  return { exportName: parts.exportName, candidates, exports: [] };
}

const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'out',
  'coverage',
  '__pycache__',
  '.venv',
  'venv',
  '.aws-sam',
  '.serverless',
  '.flourish',
  'target',
  'bin',
  'obj',
]);
const MAX_FILES = 5000;
const MAX_FILE_BYTES = 1_000_000;

/**
 * Every handler the workspace offers for a runtime family: one per exported function of every
 * source file, e.g. `src/hello.handler`. Skips dependency, VCS and build folders, except the
 * build outputs named in `include` (relative to root). Throws the signal's reason when aborted.
 */
export async function listHandlerCandidates(
  root: string,
  family: RuntimeInfo['family'],
  fs: ManifestFs = nodeFs,
  signal?: AbortSignal,
  include: string[] = [],
): Promise<{ handler: string; file: string }[]> {
  const scan = scanner(family);
  const exts = EXTENSIONS[family];
  if (!scan || !exts) return [];
  const allowed = new Set(include.map((p) => path.resolve(root, p)));
  const out: { handler: string; file: string }[] = [];
  const queue = [path.resolve(root)];
  let files = 0;
  while (queue.length > 0 && files < MAX_FILES) {
    signal?.throwIfAborted();
    const dir = queue.shift()!;
    const entries = await fs.readDir(dir);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.dir) {
        if (allowed.has(abs) || (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')))
          queue.push(abs);
        continue;
      }
      const ext = exts.find((x) => e.name.endsWith(x));
      if (!ext || /\.(test|spec)\.[^.]+$|\.d\.[mc]?ts$/.test(e.name)) continue;
      if (++files > MAX_FILES) break;
      signal?.throwIfAborted();
      const text = await fs.readFile(abs);
      if (text === undefined || text.length > MAX_FILE_BYTES) continue;
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const module = rel.slice(0, rel.length - ext.length);
      for (const x of scan(text).exports) {
        if (x.name === 'default' || (family === 'python' && x.name.startsWith('_'))) continue;
        const handler = `${module}.${x.name}`;
        if (!handlerFormatError(handler, family)) out.push({ handler, file: abs });
      }
    }
  }
  return out;
}

/** A correct minimal handler for the runtime's family, to create a missing handler file. */
export function handlerStub(
  runtime: string,
  exportName: string,
): { extension: string; content: string } {
  const family =
    findRuntime(runtime)?.family ??
    RUNTIMES.find((r) => runtime.startsWith(r.family))?.family ??
    'nodejs';
  switch (family) {
    case 'nodejs':
      return {
        extension: '.mjs',
        content: `// Lambda calls this with the invocation event; what it returns is the response.
export const ${exportName} = async (event, context) => {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'Hello from ${exportName}', requestId: context.awsRequestId }),
  };
};
`,
      };
    case 'python':
      return {
        extension: '.py',
        content: `import json


def ${exportName}(event, context):
    """Lambda calls this with the invocation event; what it returns is the response."""
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": "Hello from ${exportName}", "requestId": context.aws_request_id}),
    }
`,
      };
    case 'ruby':
      return {
        extension: '.rb',
        content: `require 'json'

# Lambda calls this with the invocation event; what it returns is the response.
def ${exportName}(event:, context:)
  {
    statusCode: 200,
    headers: { 'content-type' => 'application/json' },
    body: JSON.generate(message: 'Hello from ${exportName}', requestId: context.aws_request_id)
  }
end
`,
      };
    case 'java':
      return {
        extension: '.java',
        content: `package example;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Map;

// Handler: example.Handler::${exportName}
public class Handler {
    public Map<String, Object> ${exportName}(Map<String, Object> event, Context context) {
        return Map.of("statusCode", 200, "body", "Hello from ${exportName}");
    }
}
`,
      };
    case 'dotnet':
      return {
        extension: '.cs',
        content: `using System.Collections.Generic;
using Amazon.Lambda.Core;

[assembly: LambdaSerializer(typeof(Amazon.Lambda.Serialization.SystemTextJson.DefaultLambdaJsonSerializer))]

namespace Example;

// Handler: Example::Example.Function::${exportName}
public class Function
{
    public Dictionary<string, object> ${exportName}(Dictionary<string, object> input, ILambdaContext context)
    {
        return new Dictionary<string, object> { ["statusCode"] = 200, ["body"] = "Hello from ${exportName}" };
    }
}
`,
      };
    case 'provided':
      return {
        extension: '',
        content: `#!/bin/sh
# Custom runtime bootstrap: fetch each event from the Lambda Runtime API, answer it, repeat.
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -LD "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)"
  rm -f "$HEADERS"
  curl -sS -X POST "$API/invocation/$REQUEST_ID/response" -d '{"statusCode":200,"body":"Hello from ${exportName}"}' >/dev/null
  : "$EVENT"
done
`,
      };
  }
}
