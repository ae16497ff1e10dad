// Ids of rows: random, URL-safe, with a prefix saying what they name (vm-..., run-...).
import { randomBytes } from 'node:crypto';

export function newId(prefix: 'vm' | 'run' | 'disk' | 'tok'): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}
