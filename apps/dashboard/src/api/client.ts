// REST calls to the server under /api with the signed-in bearer token. Every failure becomes
// an ApiFailure carrying the server's ApiError body (code, message, field messages), or a
// network error, so pages can show the server's own words.
import type { ApiError, ErrorCode } from '../protocol';

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: ErrorCode | 'network', message: string, readonly fields: Record<string, string[]> = {}) {
    super(message);
  }

  static from(status: number, body: unknown): ApiFailure {
    const e = body as Partial<ApiError> | null;
    if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
      return new ApiFailure(status, e.code, e.message, e.fields ?? {});
    }
    return new ApiFailure(status, 'internal', `HTTP ${status}`);
  }
}

type Listener = (f: ApiFailure) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when any call gets a 401 (the token was revoked): the session signs out. */
export function onUnauthorized(l: Listener): () => void {
  unauthorizedListeners.add(l);
  return () => unauthorizedListeners.delete(l);
}

let currentToken: string | null = null;

export function setToken(token: string | null): void {
  currentToken = token;
}

export async function request<T>(method: string, path: string, body?: unknown, token = currentToken): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiFailure(0, 'network', `cannot reach the server (${(e as Error).message})`);
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const f = ApiFailure.from(res.status, parsed);
    if (res.status === 401 && token === currentToken) for (const l of unauthorizedListeners) l(f);
    throw f;
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string): Promise<T> => request<T>('GET', path),
  post: <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown): Promise<T> => request<T>('PATCH', path, body),
  del: (path: string): Promise<void> => request<void>('DELETE', path),
};
