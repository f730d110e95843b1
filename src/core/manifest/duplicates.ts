// Duplicate keys, found in one pass. (The `yaml` package's own check compares each new key
// with every earlier one, which is quadratic in a map of thousands of functions.)
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { ProblemSink, showPath, type Path } from './problems';

const MAX_DEPTH = 200;

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
  visit(node, path.slice(), sink, skipValuesOf, 0);
}

/** Like YAML itself, 1 and "1" are different keys. */
function keyId(value: unknown): unknown {
  return typeof value === 'string' ? value : `\u0000${typeof value}:${String(value)}`;
}

function visit(
  n: unknown,
  path: Path,
  sink: ProblemSink,
  skip: Node | undefined,
  depth: number,
): void {
  if (depth > MAX_DEPTH) return;
  if (isMap(n)) {
    const items = n.items as Pair<unknown, unknown>[];
    // Small maps (nearly all of them) compare directly; a set pays off for big ones.
    const seen = items.length > 8 ? new Set<unknown>() : undefined;
    for (let i = 0; i < items.length; i++) {
      const key = items[i].key;
      if (!isScalar(key) || typeof key.value === 'symbol') continue;
      const id = keyId(key.value);
      let dup = false;
      if (seen) {
        dup = seen.has(id);
        seen.add(id);
      } else {
        for (let j = 0; j < i && !dup; j++) {
          const other = items[j].key;
          dup = isScalar(other) && typeof other.value !== 'symbol' && keyId(other.value) === id;
        }
      }
      if (dup) {
        const name = String(key.value);
        sink.add(
          'duplicate-key',
          'error',
          `Duplicate key '${name.slice(0, 60)}' in ${showPath(path)}: each key may appear once in a map, and only one of the values would count. Remove or rename one of them.`,
          key,
          [...path, name],
        );
      }
    }
    if (n === skip) return;
    for (const pair of items) {
      const value = pair.value;
      if (!value || typeof value !== 'object' || isScalar(value)) continue;
      path.push(isScalar(pair.key) ? String(pair.key.value) : '?');
      visit(value, path, sink, skip, depth + 1);
      path.pop();
    }
  } else if (isSeq(n)) {
    n.items.forEach((item, i) => {
      if (!item || typeof item !== 'object' || isScalar(item)) return;
      path.push(i);
      visit(isPair(item) ? item.value : item, path, sink, skip, depth + 1);
      path.pop();
    });
  }
}
