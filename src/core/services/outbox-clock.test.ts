/**
 * The outbox when the device clock steps back (the fault suite's "clock 2 minutes back"): due
 * times written on the old clock must not hold a message back by the step. A scripted network,
 * no devnet: the first store fails, the clock goes back, the retry must still come at once.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { waitUntil } from '../../../test/wait.ts';
import { ParleyError } from '../../shared/errors.ts';
import { ready } from '../../../wasm/sodium.ts';
import type { Network } from '../net/network.ts';
import { NetworkState } from '../net/network-state.ts';
import { Outbox } from './outbox.ts';
import { DEFAULT_OUTBOX_SCHEDULE, longestWaitAfter } from './outbox-policy.ts';

const open: { t: TestContext; outbox: Outbox }[] = [];

beforeAll(async () => {
  await ready();
});

afterEach(async () => {
  for (const { t, outbox } of open.splice(0)) {
    await outbox.stop();
    t.close();
  }
});

describe('longestWaitAfter', () => {
  it('is the capped doubling the schedule draws its jittered waits under', () => {
    const schedule = { ...DEFAULT_OUTBOX_SCHEDULE, retryBaseMs: 100, retryMaxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 5, 50].map((attempts) => longestWaitAfter(attempts, schedule))).toEqual([0, 100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('Outbox: a device clock that steps back', () => {
  it('a retry due on the old clock goes at once, not after the step', async () => {
    let clockOffset = 0;
    const clock = () => Date.now() + clockOffset;
    const me = randomIdentity();
    const t = await makeContext({ identity: me, clock });
    const stores: number[] = [];
    const network = {
      ...t.network,
      state: new NetworkState(),
      time: { now: clock },
      ready: async () => undefined,
      storage: {
        store: async () => {
          stores.push(clock());
          if (stores.length === 1) throw new ParleyError('path_failed', 'no answer', { reason: 'timeout' });
          return { hash: `h${stores.length}`.padEnd(43, 'A'), t: Date.now(), node: 'n' };
        },
      },
    } as unknown as Network;
    // The first attempt fails and its retry is scheduled (then logged); right then the device
    // clock is set 2 minutes back.
    const log = (line: string) => {
      if (line.includes('attempt 1 failed')) clockOffset = -2 * 60_000;
    };
    const outbox = new Outbox({ ...t.ctx, network, log }, { schedule: { retryBaseMs: 50, retryMaxMs: 200 }, random: () => 0.5 });
    open.push({ t, outbox });
    await outbox.start();
    await outbox.queue(randomIdentity().sessionId, 'hello');
    await waitUntil('the second attempt', () => stores.length >= 2, { timeoutMs: 10_000 });
    expect(stores.length).toBeGreaterThanOrEqual(2);
  });
});
