// Marker/MaxItems paging as the Lambda list operations do it.
import { invalidParameter } from '../http/errors';
import { queryString, type LambdaRequest } from './context';
import type { FunctionRecord, VersionRecord } from './model';

export function sortedVersions(fn: FunctionRecord): VersionRecord[] {
  return Object.values(fn.versions).sort((a, b) => Number(a.version) - Number(b.version));
}

/**
 * Marker/MaxItems paging over an ordered list; the marker is an opaque offset. Some operations
 * return at most `perPageLimit` items "even if you set the number higher" (their API docs), so
 * a caller that asks for more must still follow NextMarker, as on Lambda.
 */
export function paginate<T>(
  items: T[],
  request: LambdaRequest,
  defaultMax: number,
  perPageLimit = Infinity,
): { items: T[]; nextMarker?: string } {
  const marker = queryString(request, 'Marker');
  const maxRaw = queryString(request, 'MaxItems');
  const max = maxRaw === undefined ? defaultMax : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > 10000) {
    throw invalidParameter(
      `1 validation error detected: Value '${maxRaw}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`,
    );
  }
  let start = 0;
  if (marker !== undefined) {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!decoded)
      throw invalidParameter(
        `The marker '${marker}' is invalid; pass the NextMarker of the previous page.`,
      );
    start = Number(decoded[1]);
  }
  const slice = items.slice(start, start + Math.min(max, perPageLimit));
  const end = start + slice.length;
  return end < items.length
    ? { items: slice, nextMarker: Buffer.from(`o:${end}`).toString('base64url') }
    : { items: slice };
}
