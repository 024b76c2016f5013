import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { freshIndexedDB } from '../../../test/fake-indexeddb.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import { filterUnseen, markSeen, pruneSeenHashes } from './seen-hashes-repo.ts';

let db: ParleyDB;
beforeEach(async () => {
  db = await openParleyDatabase({ indexedDB: freshIndexedDB() });
});
afterEach(() => db.close());

describe('seen hashes', () => {
  it('filters out what has been marked, keeping order and dropping repeats', async () => {
    await markSeen(db, ['b', 'd'], 1000);
    expect(await filterUnseen(db, ['a', 'b', 'c', 'a', 'd', 'e'])).toEqual(['a', 'c', 'e']);
    expect(await filterUnseen(db, [])).toEqual([]);
  });

  it('prunes the hashes that expired by now, and only those', async () => {
    await markSeen(db, ['old1', 'old2'], 100);
    await markSeen(db, ['edge'], 200);
    await markSeen(db, ['new'], 300);
    expect(await pruneSeenHashes(db, 200)).toBe(3);
    expect(await filterUnseen(db, ['old1', 'old2', 'edge', 'new'])).toEqual(['old1', 'old2', 'edge']);
    expect(await pruneSeenHashes(db, 200)).toBe(0);
  });

  it('keeps the later expiry when a hash is marked twice', async () => {
    await markSeen(db, ['h'], 500);
    await markSeen(db, ['h'], 100);
    expect(await pruneSeenHashes(db, 400)).toBe(0);
    await markSeen(db, ['h'], 900);
    expect(await pruneSeenHashes(db, 500)).toBe(0);
    expect(await pruneSeenHashes(db, 900)).toBe(1);
  });

  it('agrees with a plain set model (property)', async () => {
    const hash = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    const step = fc.oneof(
      fc.record({ mark: fc.array(hash, { maxLength: 4 }), expiresAt: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ prune: fc.integer({ min: 0, max: 20 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const fresh = await openParleyDatabase({ indexedDB: freshIndexedDB() });
        try {
          const model = new Map<string, number>();
          for (const s of steps) {
            if ('mark' in s) {
              await markSeen(fresh, s.mark, s.expiresAt);
              for (const h of s.mark) model.set(h, Math.max(model.get(h) ?? 0, s.expiresAt));
            } else {
              const expected = [...model].filter(([, at]) => at <= s.prune).length;
              for (const [h, at] of [...model]) if (at <= s.prune) model.delete(h);
              expect(await pruneSeenHashes(fresh, s.prune)).toBe(expected);
            }
          }
          const all = ['a', 'b', 'c', 'd', 'e', 'f'];
          expect(await filterUnseen(fresh, all)).toEqual(all.filter((h) => !model.has(h)));
        } finally {
          fresh.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('checks its inputs', async () => {
    await expectCode(markSeen(db, 'h' as never, 1), 'invalid_argument', 'hashes');
    await expectCode(markSeen(db, ['ok', ''], 1), 'invalid_argument', 'hashes[1]');
    await expectCode(markSeen(db, ['ok'], -1), 'invalid_argument', 'expiresAt');
    await expectCode(filterUnseen(db, [7 as never]), 'invalid_argument', 'hashes[0]');
    await expectCode(pruneSeenHashes(db, Number.NaN), 'invalid_argument', 'now');
    expect(await filterUnseen(db, ['ok'])).toEqual(['ok']);
  });
});
