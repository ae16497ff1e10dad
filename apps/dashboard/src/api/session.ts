// The signed-in session: the token (kept in sessionStorage, so a reload stays signed in but a
// closed tab does not), its name and role. The server has no "who am I" route, so the role is
// found by matching the token against the prefixes GET /api/tokens lists (see NOTES-dashboard.md);
// when that is ambiguous the role is "unknown" and the server's 403 still guards every action.
import type { TokenView } from '../protocol';
import { ApiFailure, request, setToken } from './client';

export type Role = 'admin' | 'read' | 'unknown';

export interface Session {
  token: string;
  name: string;
  role: Role;
}

const KEY = 'disco.token';

/** The token's row: the one whose stored prefix starts the token (the longest, if several). */
export function matchToken(token: string, tokens: TokenView[]): { name: string; role: Role } {
  const hits = tokens.filter((t) => t.prefix.length > 0 && token.startsWith(t.prefix));
  if (hits.length === 0) return { name: 'token', role: 'unknown' };
  const longest = Math.max(...hits.map((t) => t.prefix.length));
  const best = hits.filter((t) => t.prefix.length === longest);
  const roles = new Set(best.map((t) => t.role));
  if (best.length === 1 || roles.size === 1) return { name: best.length === 1 ? best[0]!.name : 'token', role: best[0]!.role };
  return { name: 'token', role: 'unknown' };
}

/** Check a token with the server; throws ApiFailure (401 for a bad token). */
export async function signIn(token: string): Promise<Session> {
  const trimmed = token.trim();
  if (trimmed === '') throw new ApiFailure(400, 'validation_failed', 'enter a token', { token: ['enter a token'] });
  const tokens = await request<TokenView[]>('GET', '/tokens', undefined, trimmed);
  const who = matchToken(trimmed, tokens);
  setToken(trimmed);
  sessionStorage.setItem(KEY, trimmed);
  return { token: trimmed, ...who };
}

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  setToken(null);
}
