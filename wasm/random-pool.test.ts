import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUint32 } from './random-pool.ts';
import { ready, sodium } from './sodium.ts';

beforeAll(ready);
afterEach(() => {
  vi.restoreAllMocks();
});

describe('random pool', () => {
  it('asks the platform for 1 KiB at a time, not 4 bytes', () => {
    const calls = vi.spyOn(crypto, 'getRandomValues');
    for (let i = 0; i < 512; i++) randomUint32();
    // 512 words are two pools' worth; a third call at most if the pool was part used before.
    expect(calls.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('hands out 32-bit unsigned integers that vary', () => {
    const values = Array.from({ length: 1000 }, () => randomUint32());
    for (const value of values) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(2 ** 32);
    }
    // 1000 draws of 32 bits: a repeat is a one-in-8,000 event, all equal is a broken source.
    expect(new Set(values).size).toBeGreaterThan(990);
  });

  it("is where libsodium's WASM draws its randomness from", () => {
    const calls = vi.spyOn(crypto, 'getRandomValues');
    // Each X25519 key pair needs 32 random bytes: 8 calls apiece through the wrappers' own hook.
    for (let i = 0; i < 16; i++) sodium().crypto_box_keypair();
    sodium().randombytes_buf(64);
    expect(calls.mock.calls.length).toBeLessThanOrEqual(3);
  });
});
