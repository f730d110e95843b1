// CloudWatch's errors over JSON 1.0 in its query-compatible mode: the SDK reads the error code
// from `x-amzn-query-error` (`InvalidParameterValue;Sender`) and maps it to the modelled class
// (InvalidParameterValueException, ...), as against AWS.
import { ApiError } from '../http/errors';

function monitoringError(type: string, queryCode: string, status: number, message: string) {
  return new ApiError(type, status, message, {}, { 'x-amzn-query-error': `${queryCode};Sender` });
}

export const invalidParameterValue = (message: string): ApiError =>
  monitoringError('InvalidParameterValueException', 'InvalidParameterValue', 400, message);

export const invalidParameterCombination = (message: string): ApiError =>
  monitoringError(
    'InvalidParameterCombinationException',
    'InvalidParameterCombination',
    400,
    message,
  );

export const missingParameter = (message: string): ApiError =>
  monitoringError('MissingRequiredParameterException', 'MissingParameter', 400, message);

export const invalidNextToken = (message: string): ApiError =>
  monitoringError('InvalidNextToken', 'InvalidNextToken', 400, message);
