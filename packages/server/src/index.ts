// Public entry of @ioasid/server: startServer and buildApp, the durable engine, its stores, and helpers.

export { ADMIN_TOKEN_FILE, type AdminCredential, loadAdminToken } from './admin-token.js';
export { ApiError } from './api-error.js';
export * from './engine/index.js';
export { ADVICE, type AdviceTable, adviceFor, withAdvice } from './http/advice.js';
export { type AppOptions, BODY_LIMIT, buildApp } from './http/app.js';
export type { App } from './http/app-types.js';
export { HTTP_STATUS } from './http/errors.js';
export { createLogger, type LoggerOptions, REDACT_PATHS, redactUrl } from './logging.js';
export { Metrics } from './metrics.js';
export {
  DEFAULT_CAPACITY,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type RunningServer,
  type ServerConfig,
  startServer,
} from './server.js';
export {
  apiError,
  SERVER_REASONS,
  type ServerReason,
  type ServerReasonInfo,
  type ServerReasonValues,
} from './server-reasons.js';
export * from './store/index.js';
