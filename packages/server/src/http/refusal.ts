// Sends a refusal built before any handler runs (authentication, unknown routes, readiness): the error's
// status, code, reason and values, and its fact with the advice of http/advice.ts.

import type { FastifyReply } from 'fastify';
import type { ApiError } from '../api-error.js';
import { withAdvice } from './advice.js';
import { sendError } from './errors.js';

/** Answers `error` (see `apiError` in server-reasons.ts) and returns the reply. */
export function sendRefusal(reply: FastifyReply, error: ApiError): FastifyReply {
  return sendError(reply, error.status, error.code, withAdvice(error), error.reason, error.values);
}
