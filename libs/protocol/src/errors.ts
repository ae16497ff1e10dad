// Error codes shared by worker, server and dashboard. The server maps each to one HTTP status
// (apps/server/src/common/error.filter.ts); the message next to each code says what it means.

export const ERROR_CODES = {
  /** The request body, query or path failed validation (400). */
  validation_failed: 400,
  /** No or unknown bearer token (401). */
  unauthorized: 401,
  /** The token's role does not allow this (403). */
  forbidden: 403,
  /** No such VM, run, disk, image or token (404). */
  not_found: 404,
  /** The action is impossible in the VM's current state, or a name is taken (409). */
  conflict: 409,
  /** Too many state-changing requests from this token; retry after the Retry-After header (429). */
  rate_limited: 429,
  /** The machine has not enough free memory or CPUs for this VM (409). */
  insufficient_resources: 409,
  /** The worker could not boot the VM (a broken kernel image, a missing disk file) (500). */
  start_failed: 500,
  /** The worker did not answer in time or failed (503). */
  worker_unavailable: 503,
  /** Anything else (500). */
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The body of every error response (and of failed socket.io acknowledgements). */
export interface ApiError {
  statusCode: number;
  code: ErrorCode;
  message: string;
  /** For validation_failed: the messages per field ("memoryMiB": ["must be ..."]). */
  fields?: Record<string, string[]>;
}

/** An error as the worker reports it. */
export interface WorkerError {
  code: ErrorCode;
  message: string;
}
