// Scheduler's REST JSON errors: the model's names and statuses, message member `Message`.
import { ApiError } from '../http/errors';

export const validation = (message: string): ApiError =>
  new ApiError('ValidationException', 400, message);

export const scheduleNotFound = (message: string): ApiError =>
  new ApiError('ResourceNotFoundException', 404, message);

export const scheduleConflict = (message: string): ApiError =>
  new ApiError('ConflictException', 409, message);

export function schedulerErrorBody(error: ApiError): Record<string, unknown> {
  return { Message: error.message, ...error.extra };
}
