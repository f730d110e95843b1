// Input checks for the function URL operations, in Lambda's validation wording.
import { invalidParameter } from '../http/errors';
import type { UrlAuthType, UrlCors, UrlInvokeMode } from './model';

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE', '*']);

function enumError(value: unknown, member: string, values: string[]): Error {
  return invalidParameter(
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
  );
}

export function checkAuthType(value: unknown): UrlAuthType {
  if (value !== 'NONE' && value !== 'AWS_IAM')
    throw enumError(value, 'authType', ['AWS_IAM', 'NONE']);
  return value;
}

export function checkInvokeMode(value: unknown): UrlInvokeMode {
  if (value !== 'BUFFERED' && value !== 'RESPONSE_STREAM') {
    throw enumError(value, 'invokeMode', ['BUFFERED', 'RESPONSE_STREAM']);
  }
  return value;
}

function stringList(value: unknown, member: string, max: number): string[] {
  if (!Array.isArray(value) || value.length > max || value.some((v) => typeof v !== 'string')) {
    throw invalidParameter(
      `1 validation error detected: Value at 'cors.${member}' failed to satisfy constraint: Member must be a list of at most ${max} strings`,
    );
  }
  return value as string[];
}

export function checkCors(value: unknown): UrlCors {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameter('Cors must be an object.');
  }
  const input = value as Record<string, unknown>;
  const cors: UrlCors = {};
  if (input.AllowCredentials !== undefined) cors.AllowCredentials = input.AllowCredentials === true;
  if (input.AllowHeaders !== undefined)
    cors.AllowHeaders = stringList(input.AllowHeaders, 'allowHeaders', 100);
  if (input.ExposeHeaders !== undefined)
    cors.ExposeHeaders = stringList(input.ExposeHeaders, 'exposeHeaders', 100);
  if (input.AllowOrigins !== undefined)
    cors.AllowOrigins = stringList(input.AllowOrigins, 'allowOrigins', 100);
  if (input.AllowMethods !== undefined) {
    const methods = stringList(input.AllowMethods, 'allowMethods', 6).map((m) => m.toUpperCase());
    const bad = methods.find((m) => !CORS_METHODS.has(m));
    if (bad !== undefined) {
      throw invalidParameter(
        `1 validation error detected: Value '${bad}' at 'cors.allowMethods' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: .*]; use GET, PUT, HEAD, POST, PATCH, DELETE or *.`,
      );
    }
    cors.AllowMethods = methods;
  }
  if (input.MaxAge !== undefined) {
    if (
      typeof input.MaxAge !== 'number' ||
      !Number.isInteger(input.MaxAge) ||
      input.MaxAge < 0 ||
      input.MaxAge > 86400
    ) {
      throw invalidParameter(
        `1 validation error detected: Value '${String(input.MaxAge)}' at 'cors.maxAge' failed to satisfy constraint: Member must have value between 0 and 86400`,
      );
    }
    cors.MaxAge = input.MaxAge;
  }
  return cors;
}
