/**
 * The tabs' channel validators against whatever a script on the origin could post: anything a
 * structured clone carries, and near-misses of the real shapes. None throws, and whatever
 * parseTabMessage accepts is exactly one of the shapes (so a listener can switch on `kind`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs } from '../../test/fuzz.ts';
import { isCallMessage, isEventMessage, isHelloMessage, isLeaderMessage, isResultMessage, parseTabMessage } from '../shared/tab-channel.ts';

const SHAPE_CHECKS = [isCallMessage, isResultMessage, isEventMessage, isHelloMessage, isLeaderMessage];

/** Near-misses: the real keys, with values of any kind. */
const nearMiss = fc.record(
  {
    kind: fc.constantFrom('call', 'result', 'event', 'hello', 'leader', 'other'),
    id: fc.oneof(fc.integer(), fc.double(), fc.string()),
    from: fc.string(),
    to: fc.string(),
    leaderId: fc.oneof(fc.string(), fc.integer()),
    method: fc.string(),
    args: fc.oneof(fc.array(fc.anything({ withMap: true, withSet: true, withDate: true, withTypedArray: true })), fc.anything()),
    ok: fc.anything(),
    value: fc.anything({ withMap: true, withBigInt: true, withObjectString: true }),
    error: fc.anything(),
    event: fc.anything(),
  },
  { requiredKeys: ['kind'] },
);

describe('tabs channel validators (fuzz)', () => {
  it(
    'never throw, and accept a message as exactly one shape',
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.anything({ withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true }), nearMiss), (data) => {
          const cloned: unknown = structuredClone(data);
          const parsed = parseTabMessage(cloned);
          const matching = SHAPE_CHECKS.filter((check) => check(cloned));
          expect(matching.length).toBe(parsed === undefined ? 0 : 1);
        }),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(10_000),
  );

  it('a cycle is not plain data (a structured clone keeps cycles; the depth bound stops them)', () => {
    const args: unknown[] = [];
    args.push(args);
    expect(parseTabMessage(structuredClone({ kind: 'call', id: 1, from: 'tab', method: 'echo', args }))).toBeUndefined();
  });
});
