export * from './costModel';
export * from './prices';
export * from './report';
