// "Did you mean" suggestions: the closest candidate by edit distance, if it is close enough.

/**
 * Edit distance where swapping two neighbours counts as one edit (`memroy` is one from
 * `memory`), giving up (returning `max + 1`) once it exceeds `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, before[j - 2] + 1);
      row.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    before = prev;
    prev = row;
  }
  return prev[b.length];
}

/** The candidate closest to `input` (case-insensitively), or undefined if none is plausible. */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length === 0 || input.length > 200) return undefined;
  const lower = input.toLowerCase();
  const max = Math.max(1, Math.min(3, Math.ceil(input.length / 3)));
  let best: string | undefined;
  let bestScore = max + 1;
  let prefixed: string | undefined;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    if (cl === lower) return c;
    // A candidate the input starts (`arm` for `arm64`) is a strong hint, even when far.
    if (input.length >= 3 && cl.startsWith(lower) && (!prefixed || c.length < prefixed.length))
      prefixed = c;
    const d = editDistance(lower, cl, max);
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best ?? prefixed;
}
