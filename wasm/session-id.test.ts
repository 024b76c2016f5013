import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadVectors } from '../test/vectors.ts';
import { toHex } from './bytes.ts';
import { SESSION_ID_LENGTH, isSessionId, parseSessionId, shortSessionId } from './session-id.ts';
import { errorOf } from '../test/expect-code.ts';

const identities = loadVectors<{ session_id: string; x25519_pk_hex: string }>('identity').cases;
const ID = identities[0]!.session_id;
const KEY = ID.slice(2);

describe('parseSessionId', () => {
  it('parses the vector Session IDs to their X25519 keys', () => {
    for (const c of identities) {
      const parsed = parseSessionId(c.session_id);
      expect(parsed.sessionId).toBe(c.session_id);
      expect(toHex(parsed.x25519PublicKey)).toBe(c.x25519_pk_hex);
      expect(isSessionId(c.session_id)).toBe(true);
    }
  });

  it('accepts uppercase and surrounding whitespace, returning the normal form', () => {
    for (const text of [ID.toUpperCase(), `  ${ID}\n`, `\t${ID.toUpperCase()} `]) {
      expect(parseSessionId(text).sessionId).toBe(ID);
      expect(isSessionId(text)).toBe(true);
    }
  });

  it('round-trips any 32-byte key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        const parsed = parseSessionId(`05${toHex(key)}`);
        expect(parsed.x25519PublicKey).toEqual(key);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a wrong length', () => {
    for (const text of ['', '05', ID.slice(0, 65), `${ID}0`, `${ID}00`, KEY]) {
      expect(errorOf(() => parseSessionId(text))).toMatchObject({
        code: 'session_id_length',
        details: { length: text.length, expected: SESSION_ID_LENGTH },
      });
      expect(isSessionId(text)).toBe(false);
    }
  });

  it('names the first non-hex character, whatever the length', () => {
    const withG = `${ID.slice(0, 10)}g${ID.slice(11)}`;
    expect(errorOf(() => parseSessionId(withG))).toMatchObject({
      code: 'session_id_not_hex',
      details: { position: 11, character: 'g' },
    });
    expect(errorOf(() => parseSessionId(`15${KEY.slice(0, 20)}z${KEY.slice(21)}`))).toMatchObject({
      code: 'session_id_not_hex',
      details: { position: 23, character: 'z' },
    });
    expect(errorOf(() => parseSessionId('hello'))).toMatchObject({ code: 'session_id_not_hex', details: { position: 1 } });
    expect(errorOf(() => parseSessionId(`0x${KEY}`))).toMatchObject({ code: 'session_id_not_hex', details: { position: 2 } });
    expect(errorOf(() => parseSessionId(`05 ${KEY}`))).toMatchObject({ code: 'session_id_not_hex', details: { position: 3 } });
    expect(errorOf(() => parseSessionId(`${ID}.`))).toMatchObject({ code: 'session_id_not_hex', details: { position: 67 } });
    expect(isSessionId(withG)).toBe(false);
  });

  it('rejects blinded IDs (15, 25) with their own code', () => {
    for (const prefix of ['15', '25']) {
      expect(errorOf(() => parseSessionId(prefix + KEY))).toMatchObject({ code: 'session_id_blinded', details: { prefix } });
      expect(isSessionId(prefix + KEY)).toBe(false);
    }
  });

  it('rejects every other prefix', () => {
    for (const prefix of ['03', '00', 'ff', '06', '50', 'a5']) {
      expect(errorOf(() => parseSessionId(prefix + KEY))).toMatchObject({ code: 'session_id_prefix', details: { prefix } });
      expect(isSessionId(prefix + KEY)).toBe(false);
    }
    expect(errorOf(() => parseSessionId(`FF${KEY}`))).toMatchObject({ details: { prefix: 'ff' } });
  });

  it('rejects what is not a string', () => {
    for (const bad of [5, null, undefined, new Uint8Array(33), [ID]]) {
      expect(errorOf(() => parseSessionId(bad as unknown as string))).toMatchObject({
        code: 'invalid_argument',
        details: { param: 'text' },
      });
      expect(isSessionId(bad)).toBe(false);
    }
  });
  // Arbitrary text, and real IDs changed a little: src/core/input-checks.fuzz.test.ts.
});

describe('shortSessionId', () => {
  it('keeps the first and last four characters', () => {
    expect(shortSessionId('0512742fb4ac033a8a33f5776aa0e7e88f35f7af9f65dee31e57fbc7d6f8664b12')).toBe('0512…4b12');
    expect(shortSessionId('123456789')).toBe('123456789');
    expect(shortSessionId('1234567890')).toBe('1234…7890');
  });

  it('rejects what is not a string', () => {
    expect(errorOf(() => shortSessionId(42 as unknown as string))).toMatchObject({ code: 'invalid_argument', details: { param: 'id' } });
  });
});
