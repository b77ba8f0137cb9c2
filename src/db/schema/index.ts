export * from './organisation.js';
export * from './audit.js';
export * from './transport.js';
export * from './items.js';
export * from './records.js';
export * from './sandbox.js';
export * from './deadlines.js';
export * from './reports.js';
