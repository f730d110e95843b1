export * from './payloadStore';
export * from './samples';
