import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../test/vectors.ts';
import { fromHex, toHex } from './bytes.ts';
import { formatSwarmId, INVALID_SWARM_ID, nearestSwarm, parseSwarmId, swarmSpaceValue } from './swarm.ts';

const vectors = loadVectors('swarm');

interface SwarmSpace {
  pubkey_hex: string;
  expected_u64_dec: string;
  expected_u64_hex: string;
}
interface NearestSwarm {
  swarm_ids_dec: string[];
  pubkey_hex: string;
  value_hex: string;
  value_dec: string;
  expected_swarm_id_dec: string;
}

const RING = 1n << 64n;
const invalid = expect.objectContaining({ code: 'invalid_argument' });

/** A 05 pubkey whose swarm-space value is `value`: zeros, then the value big-endian in the last word. */
function pubkeyWithValue(value: bigint): string {
  return '05' + '00'.repeat(24) + value.toString(16).padStart(16, '0');
}

/** Brute force over every swarm: the nearest on the ring, and on a tie the one just below the value. */
function bruteForceNearest(ids: bigint[], value: bigint): bigint {
  let best: { id: bigint; distance: bigint; below: boolean } | undefined;
  for (const id of ids) {
    const up = (id - value + RING) % RING;
    const down = (value - id + RING) % RING;
    const distance = up < down ? up : down;
    const below = down <= up;
    if (best === undefined || distance < best.distance || (distance === best.distance && below)) {
      best = { id, distance, below };
    }
  }
  return best!.id;
}

describe('swarm vectors (swarm.json)', () => {
  it.each(casesOf<SwarmSpace>(vectors, 'swarm_space'))('$id: swarm space value', (c) => {
    const computed = swarmSpaceValue(c.pubkey_hex);
    // Both forms the vector gives are checked against what the code computes, not against each other.
    expect(computed.toString(10)).toBe(c.expected_u64_dec);
    expect(computed.toString(16).padStart(16, '0')).toBe(c.expected_u64_hex);
    expect(swarmSpaceValue(c.pubkey_hex.toUpperCase())).toBe(computed);
    expect(swarmSpaceValue(fromHex(c.pubkey_hex))).toBe(computed);
  });

  it.each(casesOf<NearestSwarm>(vectors, 'nearest_swarm'))('$id: nearest swarm', (c) => {
    const ids = c.swarm_ids_dec.map((id) => BigInt(id));
    const expected = BigInt(c.expected_swarm_id_dec);
    const value = swarmSpaceValue(c.pubkey_hex);
    expect(value.toString(10)).toBe(c.value_dec);
    expect(value.toString(16).padStart(16, '0')).toBe(c.value_hex.toLowerCase());
    expect(nearestSwarm(ids, c.pubkey_hex)).toBe(expected);
    // Order of the list and an INVALID_SWARM_ID entry (a node in no swarm) make no difference.
    expect(nearestSwarm([...ids].reverse(), c.pubkey_hex)).toBe(expected);
    expect(nearestSwarm([INVALID_SWARM_ID, ...ids], fromHex(c.pubkey_hex))).toBe(expected);
    expect(bruteForceNearest(ids, value)).toBe(expected);
  });
});

describe('swarm properties', () => {
  const u64 = fc.bigInt({ min: 0n, max: RING - 2n });

  it('picks the nearest swarm on the ring, ties to the left, for any swarm set and value', () => {
    fc.assert(
      fc.property(fc.uniqueArray(u64, { minLength: 1, maxLength: 12 }), fc.bigInt({ min: 0n, max: RING - 1n }), (ids, value) => {
        const chosen = nearestSwarm(ids, pubkeyWithValue(value));
        expect(ids).toContain(chosen);
        expect(chosen).toBe(bruteForceNearest(ids, value));
      }),
      { numRuns: 200 },
    );
  });

  it('ties go to the swarm below, including across the wrap', () => {
    fc.assert(
      fc.property(u64, fc.bigInt({ min: 1n, max: (1n << 62n) }), (low, gap) => {
        const high = (low + 2n * gap) % RING;
        if (high === INVALID_SWARM_ID) return;
        const midpoint = (low + gap) % RING;
        expect(nearestSwarm([low, high], pubkeyWithValue(midpoint))).toBe(low);
        expect(nearestSwarm([low, high], pubkeyWithValue((midpoint + 1n) % RING))).toBe(high);
      }),
      { numRuns: 100 },
    );
  });

  it('a single swarm takes everything', () => {
    fc.assert(
      fc.property(u64, fc.uint8Array({ minLength: 33, maxLength: 33 }), (id, pubkey) => {
        expect(nearestSwarm([id], pubkey)).toBe(id);
      }),
      { numRuns: 50 },
    );
  });

  it('swarm ids round-trip through the get_swarm text form', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: RING - 1n }), (id) => {
        const text = formatSwarmId(id);
        expect(text).toMatch(/^(0|[1-9a-f][0-9a-f]{0,15})$/);
        expect(parseSwarmId(text)).toBe(id);
      }),
      { numRuns: 200 },
    );
  });

  it('the swarm-space value ignores the network byte and XORs the four words', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 255 }), (key, prefix) => {
        const words = [0, 8, 16, 24].map((at) => BigInt('0x' + toHex(key.subarray(at, at + 8))));
        const expected = words.reduce((a, b) => a ^ b);
        const pubkey = new Uint8Array(33);
        pubkey[0] = prefix;
        pubkey.set(key, 1);
        expect(swarmSpaceValue(pubkey)).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });
});

describe('swarm id text', () => {
  it('formats as get_swarm does', () => {
    expect(formatSwarmId(0n)).toBe('0');
    expect(formatSwarmId(0x1234n)).toBe('1234');
    expect(formatSwarmId(INVALID_SWARM_ID)).toBe('ffffffffffffffff');
    expect(parseSwarmId('ffffffffffffffff')).toBe(INVALID_SWARM_ID);
    expect(parseSwarmId('00ab')).toBe(0xabn);
    expect(parseSwarmId('ABC')).toBe(0xabcn);
  });

  it('rejects malformed text and out-of-range ids', () => {
    for (const text of ['', '0x12', '1'.repeat(17), 'xyz', ' 12', '-1', '12 ', 12, null]) {
      expect(() => parseSwarmId(text as string), String(text)).toThrow(invalid);
    }
    for (const id of [-1n, RING, 5, '5', null]) {
      expect(() => formatSwarmId(id as bigint)).toThrow(invalid);
    }
  });
});

describe('nearestSwarm entry checks', () => {
  const pubkey = pubkeyWithValue(5n);

  it('rejects a list with no real swarm', () => {
    expect(() => nearestSwarm([], pubkey)).toThrow(expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ problem: 'empty' }) }));
    expect(() => nearestSwarm([INVALID_SWARM_ID], pubkey)).toThrow(invalid);
  });

  it('rejects ids that are not u64 bigints, and non-arrays', () => {
    for (const ids of [[1], [-1n], [RING], ['5'], null, 5n, new Set([1n])]) {
      expect(() => nearestSwarm(ids as bigint[], pubkey)).toThrow(invalid);
    }
  });

  it('rejects bad pubkeys', () => {
    for (const bad of ['05' + '00'.repeat(31), pubkey + '00', 'zz' + pubkey.slice(2), new Uint8Array(32), new Uint8Array(34), 5, null]) {
      expect(() => nearestSwarm([1n], bad as string)).toThrow(invalid);
      expect(() => swarmSpaceValue(bad as string)).toThrow(invalid);
    }
  });

  it('does not reorder the caller’s list', () => {
    const ids = [300n, 100n, 200n];
    nearestSwarm(ids, pubkey);
    expect(ids).toEqual([300n, 100n, 200n]);
  });
});
