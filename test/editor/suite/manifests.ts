// Manifest texts the language tests type into flourish.yaml. They follow the shapes in
// src/core/manifest/types.ts.

export const VALID = `service: hello
provider:
  name: local
  region: us-east-1
functions:
  hello:
    handler: src/hello.handler
    runtime: nodejs22.x
    memory: 128
    timeout: 10
`;

/**
 * The workspace's own (valid) manifest with its first function's memory set to a word, so the
 * server has exactly one thing to complain about and fixing it means restoring the original.
 * Returns the broken text and the zero-based line of the bad value.
 */
export function breakMemory(original: string): { text: string; line: number } {
  const lines = original.split('\n');
  const functionsAt = lines.findIndex((line) => /^functions:\s*$/.test(line));
  if (functionsAt < 0)
    throw new Error('the workspace manifest has no top-level "functions:" block');
  const firstKey = lines.findIndex(
    (line, index) => index > functionsAt && /^\s+\S+:\s*$/.test(line),
  );
  if (firstKey < 0) throw new Error('the workspace manifest declares no function');
  const indent = `${/^(\s*)/.exec(lines[firstKey])?.[1] ?? ''}  `;
  const memory = lines.findIndex(
    (line, index) => index > firstKey && line.startsWith(`${indent}memory:`) && !/^\S/.test(line),
  );
  if (memory >= 0) {
    lines[memory] = `${indent}memory: lots`;
    return { text: lines.join('\n'), line: memory };
  }
  lines.splice(firstKey + 1, 0, `${indent}memory: lots`);
  return { text: lines.join('\n'), line: firstKey + 1 };
}

/** A function with keys still to write; completion is asked for on the empty last line. */
export const INCOMPLETE = `service: hello
provider:
  name: local
  region: us-east-1
functions:
  hello:
    handler: src/hello.handler
    runtime: nodejs22.x
    
`;
