// The local cloud's execution engine: runs functions in worker processes through the Lambda
// Runtime API. The API side calls it through ExecutionEngine and the types of the contract.
export * from './contract';
export {
  ExecutionEngine,
  type ExecutionEngineOptions,
  type EnvironmentEvent,
  type EnvironmentStoppedEvent,
  type ExecutionEngineEvents,
  type SpareEvent,
} from './engine';
export type { StopReason } from './environment';
export { MAX_RESPONSE_BYTES } from './runtime-api';
