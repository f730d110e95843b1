export * from './localCloudProcess';
