// Public entry of @ioasid/server: the durable engine and its stores.

export { ApiError } from './api-error.js';
export * from './engine/index.js';
export * from './store/index.js';
