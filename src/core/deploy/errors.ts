// Errors of deploy, rollback, versions and invoke that are about the project rather than
// one cloud call (those are CloudErrors and are kept as the cause).

export type DeployErrorCode =
  | 'unknown-function'
  | 'missing-role'
  | 'not-deployed'
  | 'no-previous-version'
  | 'unknown-version'
  | 'already-on-version'
  | 'publish-mismatch'
  | 'package-changed'
  | 'role-not-assumable';

export class DeployError extends Error {
  readonly code: DeployErrorCode;
  readonly functionKey?: string;

  constructor(
    message: string,
    details: { code: DeployErrorCode; functionKey?: string; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'DeployError';
    this.code = details.code;
    this.functionKey = details.functionKey;
  }
}
