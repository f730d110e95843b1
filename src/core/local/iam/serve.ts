// One IAM query request (POST / with `Action=...&Version=2010-05-08`), answered in XML.
import type { ReceivedBody } from '../http/body';
import { ApiError, invalidParameter } from '../http/errors';
import { IAM_OPERATIONS, findRole, type IamServices } from './handlers';
import { QueryParams } from './query';
import { responseXml } from './xml';

const IAM_VERSION = '2010-05-08';

/** IAM requests are the form-encoded POSTs to `/` (CloudWatch Logs sends JSON there). */
export function isIamRequest(
  method: string,
  rawPath: string,
  contentType: string | undefined,
): boolean {
  return (
    method === 'POST' &&
    rawPath === '/' &&
    (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
  );
}

export async function serveIam(
  services: IamServices,
  body: ReceivedBody,
  requestId: string,
): Promise<string> {
  if (body.truncated) throw new ApiError('ValidationError', 400, 'The request body is too large.');
  const params = QueryParams.parse(body.data);
  const action = params.optional('Action') ?? '';
  const handler = IAM_OPERATIONS[action];
  if (!handler) {
    throw new ApiError(
      'InvalidAction',
      400,
      `The local cloud's IAM does not implement the action '${action}'; it serves ${Object.keys(IAM_OPERATIONS).join(', ')}.`,
    );
  }
  if (params.optional('Version') !== IAM_VERSION) {
    throw new ApiError('InvalidParameterValue', 400, `Version must be ${IAM_VERSION}.`);
  }
  return responseXml(action, await handler(services, params), requestId);
}

/**
 * IAM's eventual consistency as Lambda sees it: a role younger than `delayMs` cannot be
 * assumed yet, so CreateFunction fails the way it does on AWS right after CreateRole.
 */
export function assertRoleAssumable(services: IamServices, roleArn: string, delayMs: number): void {
  if (delayMs <= 0) return;
  const name = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const role = findRole(services, name);
  if (role && services.clock() - role.createDate < delayMs) {
    throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
  }
}
