import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from './bytes.ts';
import {
  DEFAULT_LOCK_COST,
  LOCK_ALGORITHM,
  lockSecret,
  MAX_LOCK_COST,
  MIN_LOCK_COST,
  unlockSecret,
  type LockedSecret,
} from './passphrase.ts';
import { ready, sodium } from './sodium.ts';
import { errorOf } from '../test/expect-code.ts';

const FAST = MIN_LOCK_COST;
const secret = Uint8Array.from({ length: 16 }, (_, i) => i + 1);


beforeAll(ready);

describe('lockSecret / unlockSecret', () => {
  it('round-trips with the default cost (libsodium INTERACTIVE), and the lock records that cost', () => {
    const locked = lockSecret(secret, 'correct horse battery staple');
    expect(locked).toMatchObject({ version: 1, algorithm: LOCK_ALGORITHM, opsLimit: 2, memLimit: 64 * 1024 * 1024 });
    expect(locked.salt.length).toBe(16);
    expect(locked.nonce.length).toBe(24);
    expect(locked.ciphertext.length).toBe(secret.length + 16);
    expect(toHex(unlockSecret(locked, 'correct horse battery staple'))).toBe(toHex(secret));
    expect(errorOf(() => unlockSecret(locked, 'correct horse battery stapler')).code).toBe('wrong_passphrase');
  });

  it('the default and minimum costs are libsodium’s INTERACTIVE and MIN limits for Argon2id', () => {
    const s = sodium();
    expect(DEFAULT_LOCK_COST).toEqual({
      opsLimit: s.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memLimit: s.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    });
    expect(MIN_LOCK_COST).toEqual({ opsLimit: s.crypto_pwhash_OPSLIMIT_MIN, memLimit: s.crypto_pwhash_MEMLIMIT_MIN });
    expect(MAX_LOCK_COST.memLimit).toBe(s.crypto_pwhash_MEMLIMIT_SENSITIVE);
  });

  it('round-trips random secrets and unicode passphrases (low cost)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
        (value, passphrase) => {
          const locked = lockSecret(value, passphrase, FAST);
          expect(toHex(unlockSecret(locked, passphrase))).toBe(toHex(value));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('two locks of the same secret differ (random salt and nonce)', () => {
    const a = lockSecret(secret, 'pw', FAST);
    const b = lockSecret(secret, 'pw', FAST);
    expect(toHex(a.salt)).not.toBe(toHex(b.salt));
    expect(toHex(a.nonce)).not.toBe(toHex(b.nonce));
    expect(toHex(a.ciphertext)).not.toBe(toHex(b.ciphertext));
  });

  it('a wrong passphrase is wrong_passphrase, including case, whitespace and NFKC look-alikes', () => {
    const locked = lockSecret(secret, 'Passphrase', FAST);
    for (const wrong of ['passphrase', 'Passphrase ', ' Passphrase', 'Ｐassphrase', 'Passphras', 'x']) {
      expect(errorOf(() => unlockSecret(locked, wrong)).code).toBe('wrong_passphrase');
    }
  });

  it('normalises to NFC: composed and decomposed é unlock each other', () => {
    const composed = 'caf\u00e9 crème';
    const decomposed = 'cafe\u0301 cre\u0300me';
    expect(composed).not.toBe(decomposed);
    expect(toHex(unlockSecret(lockSecret(secret, composed, FAST), decomposed))).toBe(toHex(secret));
    expect(toHex(unlockSecret(lockSecret(secret, decomposed, FAST), composed))).toBe(toHex(secret));
  });

  it('survives a structured clone (what IndexedDB stores)', () => {
    const locked = structuredClone(lockSecret(secret, 'pw', FAST));
    expect(toHex(unlockSecret(locked, 'pw'))).toBe(toHex(secret));
  });
});

describe('tampering: every field, always wrong_passphrase', () => {
  const flip = (bytes: Uint8Array, at: number) => {
    const out = bytes.slice();
    out[at]! ^= 0x01;
    return out;
  };
  let locked: LockedSecret;
  beforeAll(() => {
    locked = lockSecret(secret, 'pw', { opsLimit: 2, memLimit: 16 * 1024 });
  });

  it('salt, nonce and ciphertext: any flipped bit', () => {
    for (const field of ['salt', 'nonce', 'ciphertext'] as const) {
      for (let at = 0; at < locked[field].length; at++) {
        const tampered = { ...locked, [field]: flip(locked[field], at) };
        expect(errorOf(() => unlockSecret(tampered, 'pw')).code, `${field}[${at}]`).toBe('wrong_passphrase');
      }
    }
  });

  it('a truncated or extended ciphertext', () => {
    expect(errorOf(() => unlockSecret({ ...locked, ciphertext: locked.ciphertext.subarray(0, -1) }, 'pw')).code).toBe(
      'wrong_passphrase',
    );
    const extended = new Uint8Array([...locked.ciphertext, 0]);
    expect(errorOf(() => unlockSecret({ ...locked, ciphertext: extended }, 'pw')).code).toBe('wrong_passphrase');
  });

  it('opsLimit and memLimit changed within bounds (a silent downgrade or upgrade)', () => {
    for (const change of [
      { opsLimit: 1 },
      { opsLimit: 3 },
      { memLimit: 8 * 1024 },
      { memLimit: 16 * 1024 + 1024 },
    ]) {
      expect(errorOf(() => unlockSecret({ ...locked, ...change }, 'pw')).code, JSON.stringify(change)).toBe(
        'wrong_passphrase',
      );
    }
  });

  it('the header is the additional data: the right key alone does not open the box', () => {
    const s = sodium();
    const key = s.crypto_pwhash(32, 'pw', locked.salt, locked.opsLimit, locked.memLimit, s.crypto_pwhash_ALG_ARGON2ID13);
    const open = (ad: Uint8Array | null) => () =>
      s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, locked.ciphertext, ad, locked.nonce, key);
    expect(open(null)).toThrow();
    // version 1 | algorithm length + ASCII | opsLimit u32 BE | memLimit u64 BE | salt
    const algorithm = new TextEncoder().encode(LOCK_ALGORITHM);
    const header = new Uint8Array([
      1,
      algorithm.length,
      ...algorithm,
      ...[0, 0, 0, 2],
      ...[0, 0, 0, 0, 0, 0, 0x40, 0x00],
      ...locked.salt,
    ]);
    expect(toHex(open(header)())).toBe(toHex(secret));
    header[0] = 2;
    expect(open(header)).toThrow();
  });

  it('the untampered lock still opens (the tests above changed copies)', () => {
    expect(toHex(unlockSecret(locked, 'pw'))).toBe(toHex(secret));
  });
});

describe('malformed arguments: invalid_argument naming the parameter', () => {
  let locked: LockedSecret;
  beforeAll(() => {
    locked = lockSecret(secret, 'pw', FAST);
  });

  it('lockSecret', () => {
    const cases: [() => unknown, string][] = [
      [() => lockSecret('secret' as unknown as Uint8Array, 'pw', FAST), 'secret'],
      [() => lockSecret(new Uint8Array(0), 'pw', FAST), 'secret'],
      [() => lockSecret(secret, '', FAST), 'passphrase'],
      [() => lockSecret(secret, 5 as unknown as string, FAST), 'passphrase'],
      [() => lockSecret(secret, 'a\uD800', FAST), 'passphrase'],
      [() => lockSecret(secret, 'pw', null as unknown as typeof FAST), 'cost'],
      [() => lockSecret(secret, 'pw', { opsLimit: 0, memLimit: 8192 }), 'cost.opsLimit'],
      [() => lockSecret(secret, 'pw', { opsLimit: 17, memLimit: 8192 }), 'cost.opsLimit'],
      [() => lockSecret(secret, 'pw', { opsLimit: 1.5, memLimit: 8192 }), 'cost.opsLimit'],
      [() => lockSecret(secret, 'pw', { opsLimit: 1, memLimit: 4096 }), 'cost.memLimit'],
      [() => lockSecret(secret, 'pw', { opsLimit: 1, memLimit: 2 * 1024 ** 3 }), 'cost.memLimit'],
      [() => lockSecret(secret, 'pw', { opsLimit: 1, memLimit: '8192' as unknown as number }), 'cost.memLimit'],
    ];
    for (const [run, param] of cases) {
      const error = errorOf(run);
      expect(error.code, param).toBe('invalid_argument');
      expect(error.details['param']).toBe(param);
    }
  });

  it('unlockSecret', () => {
    const cases: [unknown, string][] = [
      [null, 'locked'],
      ['locked', 'locked'],
      [{ ...locked, version: 2 }, 'locked.version'],
      [{ ...locked, version: '1' }, 'locked.version'],
      [{ ...locked, algorithm: 'argon2i13+xchacha20poly1305' }, 'locked.algorithm'],
      [{ ...locked, salt: locked.salt.subarray(1) }, 'locked.salt'],
      [{ ...locked, salt: Array.from(locked.salt) }, 'locked.salt'],
      [{ ...locked, nonce: new Uint8Array(12) }, 'locked.nonce'],
      [{ ...locked, nonce: undefined }, 'locked.nonce'],
      [{ ...locked, ciphertext: new Uint8Array(16) }, 'locked.ciphertext'],
      [{ ...locked, ciphertext: 'abc' }, 'locked.ciphertext'],
      [{ ...locked, opsLimit: 0 }, 'locked.opsLimit'],
      [{ ...locked, opsLimit: 2 ** 32 }, 'locked.opsLimit'],
      [{ ...locked, memLimit: 1 }, 'locked.memLimit'],
      [{ ...locked, memLimit: 4 * 1024 ** 4 }, 'locked.memLimit'],
      [{ ...locked, memLimit: Number.NaN }, 'locked.memLimit'],
    ];
    for (const [value, param] of cases) {
      const error = errorOf(() => unlockSecret(value as LockedSecret, 'pw'));
      expect(error.code, param).toBe('invalid_argument');
      expect(error.details['param']).toBe(param);
    }
    expect(errorOf(() => unlockSecret(locked, '')).details['param']).toBe('passphrase');
    expect(errorOf(() => unlockSecret(locked, undefined as unknown as string)).details['param']).toBe('passphrase');
  });
});
