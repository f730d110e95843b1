// Uploaded deployment packages: the request size limit, storing a ZipFile with Lambda's errors,
// and which packages are still in use.
import { ApiError, entityTooLarge, invalidParameter } from '../http/errors';
import {
  CodeStorageFullError,
  CodeTooLargeError,
  InvalidZipError,
  MAX_ZIPPED_BYTES,
  type StoredCode,
} from '../store/code-store';
import type { LambdaRequest, LambdaServices } from './context';
import type { CloudState } from './model';

/** A 50 MB package is about 69.9 MB once base64-encoded into the JSON body. */
export const MAX_CODE_REQUEST_BYTES = 69905067;

export function assertBodyWithinLimit(
  request: LambdaRequest,
  limit: number,
  operation: string,
): void {
  if (request.body.truncated || request.body.size > limit) throw entityTooLarge(limit, operation);
}

/** Decodes and stores an uploaded package, answering Lambda's errors for a bad one. */
export async function storeZip(services: LambdaServices, base64: unknown): Promise<StoredCode> {
  if (typeof base64 !== 'string' || base64.length === 0) {
    throw invalidParameter(
      'Code.ZipFile is required: the local cloud accepts deployment packages uploaded as ZipFile (S3 locations and container images are not supported).',
    );
  }
  const zip = Buffer.from(base64, 'base64');
  try {
    return await services.code.put(zip);
  } catch (error) {
    if (error instanceof CodeTooLargeError) {
      if (zip.length > MAX_ZIPPED_BYTES) throw entityTooLarge(MAX_ZIPPED_BYTES, 'CreateFunction');
      throw new ApiError(
        'InvalidParameterValueException',
        400,
        error.message,
        {},
        {},
        { cause: error },
      );
    }
    if (error instanceof CodeStorageFullError) {
      throw new ApiError(
        'CodeStorageExceededException',
        400,
        error.message,
        {},
        {},
        { cause: error },
      );
    }
    if (error instanceof InvalidZipError) {
      throw new ApiError(
        'InvalidParameterValueException',
        400,
        error.message,
        {},
        {},
        { cause: error },
      );
    }
    throw error;
  }
}

/** Every package some version still uses; the rest may be deleted. */
export function referencedCode(state: CloudState): Set<string> {
  const used = new Set<string>();
  for (const fn of Object.values(state.functions)) {
    used.add(fn.latest.codeSha256Hex);
    if (fn.serving) used.add(fn.serving.codeSha256Hex);
    for (const version of Object.values(fn.versions)) used.add(version.codeSha256Hex);
  }
  return used;
}
