// AddPermission, RemovePermission and GetPolicy: a function's resource-based policy, which
// deploy writes for a public URL (lambda:InvokeFunctionUrl with FunctionUrlAuthType NONE).
// The local cloud keeps and returns it as Lambda does; it does not enforce it (see README).
import { randomUUID } from 'node:crypto';
import { conflict, invalidParameter, notFound, preconditionFailed } from '../http/errors';
import {
  jsonBody,
  queryString,
  type LambdaHandler,
  type LambdaRequest,
  type LambdaServices,
} from '../lambda/context';
import { functionArn, type FunctionRecord } from '../lambda/model';
import { findFunction, parseFunctionName } from '../lambda/resolve';

export interface PolicyRecord {
  revisionId: string;
  statements: Record<string, unknown>[];
}

const STATEMENT_ID = /^([a-zA-Z0-9-_.]+)$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;

interface Scope {
  fn: FunctionRecord;
  /** `$LATEST` for the unqualified function, else the version or alias. */
  key: string;
  resource: string;
}

function scopeOf(services: LambdaServices, request: LambdaRequest): Scope {
  const { name, qualifier } = parseFunctionName(
    services.identity,
    request.params.FunctionName!,
    queryString(request, 'Qualifier'),
  );
  const fn = findFunction(services.store.state, services.identity, name);
  if (
    qualifier !== undefined &&
    qualifier !== '$LATEST' &&
    !fn.versions[qualifier] &&
    !fn.aliases[qualifier]
  ) {
    throw notFound(`Function not found: ${functionArn(services.identity, name, qualifier)}`);
  }
  return {
    fn,
    key: qualifier ?? '$LATEST',
    resource: functionArn(services.identity, name, qualifier),
  };
}

function principal(value: string): unknown {
  if (value === '*') return '*';
  if (/^\d{12}$/.test(value)) return { AWS: `arn:aws:iam::${value}:root` };
  if (value.startsWith('arn:')) return { AWS: value };
  return { Service: value };
}

function statement(input: Record<string, unknown>, resource: string): Record<string, unknown> {
  const sid = input.StatementId;
  if (typeof sid !== 'string' || sid.length > 100 || !STATEMENT_ID.test(sid)) {
    throw invalidParameter(
      `1 validation error detected: Value '${String(sid)}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`,
    );
  }
  if (typeof input.Action !== 'string' || !ACTION.test(input.Action)) {
    throw invalidParameter(
      `1 validation error detected: Value '${String(input.Action)}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])`,
    );
  }
  if (typeof input.Principal !== 'string' || input.Principal === '') {
    throw invalidParameter('Principal is required.');
  }
  const equals: Record<string, string> = {};
  if (typeof input.SourceAccount === 'string') equals['AWS:SourceAccount'] = input.SourceAccount;
  if (typeof input.PrincipalOrgID === 'string') equals['aws:PrincipalOrgID'] = input.PrincipalOrgID;
  if (typeof input.EventSourceToken === 'string') {
    equals['lambda:EventSourceToken'] = input.EventSourceToken;
  }
  if (input.FunctionUrlAuthType !== undefined) {
    if (input.FunctionUrlAuthType !== 'NONE' && input.FunctionUrlAuthType !== 'AWS_IAM') {
      throw invalidParameter(
        `1 validation error detected: Value '${String(input.FunctionUrlAuthType)}' at 'functionUrlAuthType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_IAM, NONE]`,
      );
    }
    equals['lambda:FunctionUrlAuthType'] = input.FunctionUrlAuthType;
  }
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  if (typeof input.SourceArn === 'string') condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
  if (input.InvokedViaFunctionUrl === true) {
    condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' };
  }
  const out: Record<string, unknown> = {
    Sid: sid,
    Effect: 'Allow',
    Principal: principal(input.Principal),
    Action: input.Action,
    Resource: resource,
  };
  if (Object.keys(condition).length > 0) out.Condition = condition;
  return out;
}

function checkRevision(policy: PolicyRecord | undefined, given: unknown): void {
  if (given !== undefined && given !== policy?.revisionId) {
    throw preconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
    );
  }
}

const document = (policy: PolicyRecord): string =>
  JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: policy.statements });

export const addPermission: LambdaHandler = async (services, request) => {
  const input = jsonBody(request);
  const scope = scopeOf(services, request);
  const added = statement(input, scope.resource);
  const policies = (scope.fn.policies ??= {});
  const policy = policies[scope.key];
  checkRevision(policy, input.RevisionId);
  if (policy?.statements.some((s) => s.Sid === added.Sid)) {
    throw conflict(
      `The statement id (${String(added.Sid)}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
    );
  }
  policies[scope.key] = {
    revisionId: randomUUID(),
    statements: [...(policy?.statements ?? []), added],
  };
  await services.store.save();
  return { status: 201, json: { Statement: JSON.stringify(added) } };
};

export const getPolicy: LambdaHandler = async (services, request) => {
  const scope = scopeOf(services, request);
  const policy = scope.fn.policies?.[scope.key];
  if (!policy) throw notFound('The resource you requested does not exist.');
  return { status: 200, json: { Policy: document(policy), RevisionId: policy.revisionId } };
};

export const removePermission: LambdaHandler = async (services, request) => {
  const scope = scopeOf(services, request);
  const policy = scope.fn.policies?.[scope.key];
  checkRevision(policy, queryString(request, 'RevisionId'));
  const sid = request.params.StatementId!;
  if (!policy?.statements.some((s) => s.Sid === sid)) {
    throw notFound(`Statement ${sid} is not found in resource policy.`);
  }
  const statements = policy.statements.filter((s) => s.Sid !== sid);
  if (statements.length === 0) delete scope.fn.policies![scope.key];
  else scope.fn.policies![scope.key] = { revisionId: randomUUID(), statements };
  await services.store.save();
  return { status: 204 };
};
