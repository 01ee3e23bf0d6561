/**
 * Errors carry a stable code and, where it helps, a location. The HTTP status is chosen at the edge
 * (src/api/problem.ts); nothing in the core knows about HTTP.
 */
export type ErrorCode =
  | 'pack_invalid'
  | 'pack_parse_error'
  | 'import_line_invalid'
  | 'validation_failed'
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'rate_limited'
  | 'store_error'
  | 'config_invalid';

export interface ErrorDetail {
  /** Where: a file, a line, a JSON path or a field name. */
  location?: string;
  line?: number;
  field?: string;
  message: string;
}

export class StewardError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'StewardError';
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string): StewardError => new StewardError('not_found', `${what} was not found`);
export const forbidden = (why = 'You are not allowed to do this'): StewardError => new StewardError('forbidden', why);
export const unauthenticated = (): StewardError => new StewardError('unauthenticated', 'Sign in first');
export const conflict = (message: string): StewardError => new StewardError('conflict', message);
export const invalid = (message: string, details: ErrorDetail[] = []): StewardError =>
  new StewardError('validation_failed', message, details);
