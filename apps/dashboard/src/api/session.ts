// The signed-in session: the token (kept in sessionStorage, so a reload stays signed in but a
// closed tab does not), its name and role, from GET /api/session (the token the request used).
import type { SessionView } from '../protocol';
import { ApiFailure, request, setToken } from './client';

export type Role = SessionView['role'];

export interface Session {
  token: string;
  name: string;
  role: Role;
}

const KEY = 'disco.token';

/** Check a token with the server; throws ApiFailure (401 for a bad token). */
export async function signIn(token: string): Promise<Session> {
  const trimmed = token.trim();
  if (trimmed === '') throw new ApiFailure(400, 'validation_failed', 'enter a token', { token: ['enter a token'] });
  const who = await request<SessionView>('GET', '/session', undefined, trimmed);
  setToken(trimmed);
  sessionStorage.setItem(KEY, trimmed);
  return { token: trimmed, name: who.name, role: who.role };
}

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  setToken(null);
}
