// Duplicate keys, found in one pass with a set per map. (The `yaml` package's own check compares
// each new key with every earlier one, which is quadratic in a map of thousands of functions.)
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { ProblemSink, showPath, type Path } from './problems';

/**
 * Reports every key written twice in the same map under `node`. `skipValuesOf` names a map
 * whose keys are checked but whose values are not descended into (they are checked apart).
 */
export function reportDuplicateKeys(
  node: Node | null,
  path: Path,
  sink: ProblemSink,
  skipValuesOf?: Node,
): void {
  const stack: { node: unknown; path: Path }[] = [{ node, path }];
  while (stack.length > 0) {
    const { node: n, path: p } = stack.pop()!;
    if (isMap(n)) {
      const seen = new Set<unknown>();
      for (const pair of n.items as Pair<unknown, unknown>[]) {
        const key = pair.key;
        if (isScalar(key) && typeof key.value !== 'symbol') {
          // Like YAML itself, 1 and "1" are different keys.
          const id =
            typeof key.value === 'string'
              ? key.value
              : `\u0000${typeof key.value}:${String(key.value)}`;
          if (seen.has(id)) {
            const name = String(key.value);
            sink.add(
              'duplicate-key',
              'error',
              `Duplicate key '${name.slice(0, 60)}' in ${showPath(p)}: each key may appear once in a map, and only one of the values would count. Remove or rename one of them.`,
              key,
              [...p, name],
            );
          }
          seen.add(id);
        }
        if (n === skipValuesOf) continue;
        const seg = isScalar(key) ? String(key.value) : '?';
        if (pair.value && typeof pair.value === 'object')
          stack.push({ node: pair.value, path: [...p, seg] });
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => {
        if (item && typeof item === 'object' && !isScalar(item))
          stack.push({ node: isPair(item) ? item.value : item, path: [...p, i] });
      });
    }
  }
}
