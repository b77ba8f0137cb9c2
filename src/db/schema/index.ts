export * from './organisation.js';
export * from './audit.js';
