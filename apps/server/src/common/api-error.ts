// The one exception type services throw: an error code from libs/protocol (which fixes the
// HTTP status), a message, and for validation failures the messages per field.
import { ERROR_CODES, type ApiError, type ErrorCode } from '../../../../libs/protocol/src/index.js';

export class ApiException extends Error {
  readonly status: number;

  /** For rate_limited: seconds until a retry can succeed (the Retry-After header). */
  retryAfterSeconds?: number;

  constructor(readonly code: ErrorCode, message: string, readonly fields?: Record<string, string[]>) {
    super(message);
    this.status = ERROR_CODES[code];
  }

  body(): ApiError {
    return { statusCode: this.status, code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) };
  }

  static notFound(what: string, id: string): ApiException {
    return new ApiException('not_found', `${what} ${id} does not exist`);
  }

  static conflict(message: string): ApiException {
    return new ApiException('conflict', message);
  }

  /** A validation failure of one field. */
  static field(field: string, message: string): ApiException {
    return new ApiException('validation_failed', `${field}: ${message}`, { [field]: [message] });
  }
}
