// The vendor-neutral cloud interface and its AWS SDK implementation (AWS Lambda, the local
// cloud, LocalStack). Editor-neutral: cancellation through AbortSignal.
export * from './provider';
export { CloudError, isAbortError, type CloudErrorDetails } from './errors';
export { AwsLambdaProvider, type AwsProviderOptions, type TailSource } from './aws/lambdaProvider';
export { toCloudError, type ErrorContext } from './aws/errors';
export { resolveTarget, resolveProvider, LOCAL_DEFAULT_ROLE, type TargetOptions } from './target';
export { mergeAsync } from './mergeTails';
