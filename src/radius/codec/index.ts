/** RADIUS codec: no I/O, bytes in and bytes out. */
export * from './constants';
export * from './errors';
export * from './ip';
export * from './packet';
export * from './auth';
export * from './salt';
export * from './values';
export * from './erx';
