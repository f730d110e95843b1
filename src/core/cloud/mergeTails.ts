// Several live tails as one: events are delivered in the order they arrive from any source.
// The first failure ends the whole tail and is thrown to the reader.

export async function* mergeAsync<T>(
  sources: AsyncIterable<T>[],
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number) =>
    pending.set(
      index,
      iterators[index].next().then((result) => ({ index, result })),
    );
  iterators.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0 && !signal?.aborted) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pull(index);
      yield result.value;
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return?.()));
  }
}
