import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { StewardError, type ErrorCode } from '../domain/errors.js';

/** HTTP status per error code: chosen here, at the edge, and nowhere else. */
const STATUS: Record<ErrorCode, number> = {
  pack_invalid: 422,
  pack_parse_error: 422,
  import_line_invalid: 422,
  validation_failed: 400,
  not_found: 404,
  forbidden: 403,
  unauthenticated: 401,
  conflict: 409,
  rate_limited: 429,
  store_error: 500,
  config_invalid: 500,
};

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: Array<{ field?: string; location?: string; line?: number; message: string }>;
}

function send(reply: FastifyReply, request: FastifyRequest, problem: Problem): FastifyReply {
  return reply.status(problem.status).type('application/problem+json').send({ ...problem, instance: request.url });
}

/** RFC 9457 problem details for every error; anything unexpected becomes a generic 500 without internals. */
export function problemHandler(error: FastifyError | StewardError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof StewardError) {
    const status = STATUS[error.code];
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return send(reply, request, {
      type: `https://steward.invalid/problems/${error.code}`,
      title: error.message,
      status,
      code: error.code,
      ...(error.details.length > 0 ? { errors: error.details } : {}),
    });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return send(reply, request, {
      type: 'https://steward.invalid/problems/validation_failed',
      title: 'The request is not valid',
      status: 400,
      code: 'validation_failed',
      errors: fastifyError.validation.map((v) => {
        const missing = (v.params as { missingProperty?: string }).missingProperty;
        const field = `${fastifyError.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}${missing ? `.${missing}` : ''}`;
        return { field, message: v.message ?? 'is not valid' };
      }),
    });
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    const code = fastifyError.statusCode === 429 ? 'rate_limited' : fastifyError.statusCode === 403 ? 'forbidden' : fastifyError.code?.toLowerCase() ?? 'bad_request';
    return send(reply, request, { type: `https://steward.invalid/problems/${code}`, title: fastifyError.message, status: fastifyError.statusCode, code });
  }
  request.log.error({ err: error }, 'unexpected error');
  return send(reply, request, { type: 'https://steward.invalid/problems/internal', title: 'Something went wrong on the server', status: 500, code: 'internal' });
}
