// RateLimiter: a burst is allowed, then requests wait for the refill; keys are separate; 0 disables.
import { expect, test } from '@jest/globals';
import { RateLimiter } from './rate-limiter.js';

test('burst, then refill at the rate, per key', () => {
  let now = 0;
  const r = new RateLimiter(2, 3, () => now);
  expect([r.take('a'), r.take('a'), r.take('a')]).toEqual([0, 0, 0]);
  expect(r.take('a')).toBe(1);
  expect(r.take('b')).toBe(0);
  now = 500;
  expect(r.take('a')).toBe(0);
  expect(r.take('a')).toBeGreaterThan(0);
  now = 10_000;
  expect([r.take('a'), r.take('a'), r.take('a'), r.take('a')]).toEqual([0, 0, 0, 1]);
});

test('a rate of 0 disables the limit', () => {
  const r = new RateLimiter(0, 0);
  for (let i = 0; i < 1000; i++) expect(r.take('a')).toBe(0);
});
