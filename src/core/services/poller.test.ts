/**
 * The poller's scheduling and ordering against a scripted network and receiver, on fake timers.
 * poller.devnet.test.ts runs it against a real devnet.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { ParleyError } from '../../shared/errors.ts';
import { identityFromEntropy } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import type { Network } from '../net/network.ts';
import { NetworkState } from '../net/network-state.ts';
import type { RetrievedMessage, RetrieveResult } from '../net/storage-client.ts';
import { AccountSession } from './account-session.ts';
import type { CoreContext } from './context.ts';
import { CoreEvents } from './events.ts';
import { DEFAULT_POLL_INTERVALS, MAX_IMMEDIATE_REPOLLS, type PollIntervals } from './poll-schedule.ts';
import { mergeRetrieved, Poller } from './poller.ts';
import type { ReceiveResult, Receiver } from './receiver.ts';

const EMPTY: ReceiveResult = { fetched: 0, alreadySeen: 0, stored: 0, duplicates: 0, junk: {}, ignored: {} };

function message(hash: string, timestamp: number): RetrievedMessage {
  return { hash, data: new Uint8Array([1]), timestamp, expiration: timestamp + 1000 };
}

function answer(node: string, messages: RetrievedMessage[], more = false, refused = 0): RetrieveResult {
  return { node, byNamespace: { 0: { messages, more, refused } } };
}

interface Script {
  /** What each retrieve does, in turn; the last one repeats. */
  retrieve: (() => Promise<RetrieveResult[]>)[];
  receive?: (messages: readonly RetrievedMessage[]) => Promise<ReceiveResult>;
}

/**
 * Round, far-apart numbers, so that the loop's mechanics (re-planning, backoff, offline) read
 * plainly: 2 s chatting for 2 minutes after a message, 5 s open and quiet, 15 s on the list, 60 s
 * hidden. One test below runs the defaults (the burst).
 */
const MECHANICS: Partial<PollIntervals> = {
  chattingMs: 2_000,
  burstHoldMs: 2 * 60_000,
  burstDecayMs: 1,
  conversationOpenMs: 5_000,
  visibleMs: 15_000,
  hiddenMs: 60_000,
};

/** `clock`: the device clock the core is given (default: the faked Date.now()). */
function harness(script: Script, clock: () => number = () => Date.now(), intervals: Partial<PollIntervals> = MECHANICS) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let retrieves = 0;
  let probes = 0;
  const state = new NetworkState(async () => {
    probes++;
  });
  const network = {
    storage: {
      async retrieve(_account: unknown, namespaces: number[], options: { commitLastHashes?: boolean; members?: number }) {
        calls.push(`retrieve ns=${namespaces.join(',')} commit=${String(options.commitLastHashes)} members=${options.members}`);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          const step = script.retrieve[Math.min(retrieves, script.retrieve.length - 1)]!;
          retrieves++;
          return await step();
        } finally {
          inFlight--;
        }
      },
      async commitLastHashes(pubkey: string, results: RetrieveResult[]) {
        calls.push(`commit ${pubkey.slice(0, 4)} ${results.length}`);
      },
    },
    state,
    time: { now: () => Date.now() },
  } as unknown as Network;
  const session = new AccountSession();
  const identity = identityFromEntropy(new Uint8Array(16).fill(7));
  session.unlocked(identity);
  const events = new CoreEvents();
  const logs: string[] = [];
  const ctx: CoreContext = { db: undefined as never, network, session, events, clock, log: (l) => logs.push(l) };
  const receiver = {
    async receive(messages: readonly RetrievedMessage[]) {
      calls.push(`receive ${messages.length}`);
      return script.receive ? script.receive(messages) : { ...EMPTY, fetched: messages.length };
    },
    stats: () => ({ stored: 0, duplicates: 0, junk: {}, ignored: {} }),
  } as unknown as Receiver;
  const poller = new Poller(ctx, { receiver, random: () => 0.5, intervals });
  return {
    poller,
    ctx,
    state,
    identity,
    calls,
    logs,
    retrieves: () => retrieves,
    probes: () => probes,
    maxInFlight: () => maxInFlight,
  };
}

const ok = () => Promise.resolve([answer('n1', [])]);
const fail = (code: 'path_failed' | 'network_offline') => () => Promise.reject(new ParleyError(code, code));

beforeEach(async () => {
  await ready();
  vi.useFakeTimers({ now: 1_750_000_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Poller: one poll', () => {
  it('retrieves namespace 0 from 1 member (by default) without committing, hands over, then commits', async () => {
    const h = harness({ retrieve: [() => Promise.resolve([answer('n1', [message('a', 1)]), answer('n2', [message('a', 1), message('b', 2)])])] });
    const result = await h.poller.pollNow();
    expect(h.calls).toEqual(['retrieve ns=0 commit=false members=1', 'receive 2', `commit ${h.identity.sessionId.slice(0, 4)} 2`]);
    expect(result).toMatchObject({ nodes: 2, more: false, fetched: 2 });
    expect(h.logs.join('\n')).toContain('2 fetched');
  });

  it('a receiver that fails leaves the last hashes uncommitted, and the error reaches pollNow', async () => {
    const h = harness({
      retrieve: [() => Promise.resolve([answer('n1', [message('a', 1)])])],
      receive: () => Promise.reject(new ParleyError('storage_failed', 'disk')),
    });
    await expectCode(h.poller.pollNow(), 'storage_failed');
    expect(h.calls).toEqual(['retrieve ns=0 commit=false members=1', 'receive 1']);
  });

  it('polls never overlap', async () => {
    const h = harness({ retrieve: [() => new Promise((resolve) => setTimeout(() => resolve([answer('n1', [])]), 100))] });
    const both = Promise.all([h.poller.pollNow(), h.poller.pollNow(), h.poller.pollNow()]);
    await vi.advanceTimersByTimeAsync(400);
    await both;
    expect(h.retrieves()).toBe(3);
    expect(h.maxInFlight()).toBe(1);
  });

  it('without an unlocked account: the session error, nothing asked', async () => {
    const h = harness({ retrieve: [ok] });
    h.ctx.session.locked(h.identity.sessionId);
    await expectCode(h.poller.pollNow(), 'account_locked');
    expect(h.retrieves()).toBe(0);
  });

  it('checks its options and setters', () => {
    const h = harness({ retrieve: [ok] });
    expect(() => new Poller(h.ctx, { members: 0 })).toThrow(ParleyError);
    expect(() => new Poller(h.ctx, { intervals: { hiddenMs: 0 } })).toThrow(ParleyError);
    expect(() => h.poller.setVisible('yes' as never)).toThrow(ParleyError);
    expect(() => h.poller.setActiveConversation(5 as never)).toThrow(ParleyError);
  });
});

describe('Poller: schedule', () => {
  it('start polls at once, then every 15 s while only the list is visible; stop leaves no timer', async () => {
    const h = harness({ retrieve: [ok] });
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.retrieves()).toBe(1);
    await vi.advanceTimersByTimeAsync(14_999);
    expect(h.retrieves()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.retrieves()).toBe(2);
    await h.poller.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.retrieves()).toBe(2);
    expect(h.poller.isRunning).toBe(false);
  });

  it('a device clock that steps back does not hold the next poll back by the step', async () => {
    let clockOffset = 0;
    const h = harness({ retrieve: [ok] }, () => Date.now() + clockOffset);
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.retrieves()).toBe(1);
    // The device clock goes 2 minutes back (the fault suite met this), then a conversation opens,
    // which moves the pending wait to the 5 s interval, measured from the last poll.
    clockOffset = -2 * 60_000;
    h.poller.setActiveConversation('05' + 'ab'.repeat(32));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(h.retrieves()).toBeGreaterThanOrEqual(2);
    await h.poller.stop();
  });

  it('stop aborts a poll in flight', async () => {
    let seen: AbortSignal | undefined;
    const h = harness({ retrieve: [ok] });
    h.ctx.network.storage.retrieve = ((_account: never, _ns: never, options: { signal: AbortSignal }) => {
      seen = options.signal;
      return new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(new ParleyError('aborted', 'stop'))));
    }) as never;
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen?.aborted).toBe(false);
    await h.poller.stop();
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('hidden → 60 s; shown again → 15 s from the last poll; an open conversation → 5 s', async () => {
    const h = harness({ retrieve: [ok] });
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(0); // poll 1 at t=0
    h.poller.setVisible(false);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(h.retrieves()).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // poll 2 at t=60 s
    expect(h.retrieves()).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    h.poller.setVisible(true); // 15 s after t=60 s has passed? no: 10 s so far → 5 s left
    await vi.advanceTimersByTimeAsync(4_999);
    expect(h.retrieves()).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // poll 3 at t=75 s
    expect(h.retrieves()).toBe(3);
    h.poller.setActiveConversation('05' + 'ab'.repeat(32));
    await vi.advanceTimersByTimeAsync(5_000); // poll 4 at t=80 s
    expect(h.retrieves()).toBe(4);
    await h.poller.stop();
  });

  it('a message just sent or received in the open conversation → 2 s; an old one (restore backlog) does not', async () => {
    const h = harness({ retrieve: [ok] });
    h.poller.setActiveConversation('05' + 'ab'.repeat(32));
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(0);
    const view = { id: 1, conversationId: 'c', direction: 'incoming', senderSessionId: 's', receivedAt: 0, body: 'x', status: null, failureCode: null, kind: 'text', disappearing: null, expiresAt: null, attachments: [] } as const;
    h.ctx.events.emit({ type: 'message_added', message: { ...view, sentAt: Date.now() - 3 * 60_000 } });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(h.retrieves()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.retrieves()).toBe(2);
    h.ctx.events.emit({ type: 'message_added', message: { ...view, sentAt: Date.now() } });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.retrieves()).toBe(3);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.retrieves()).toBe(4);
    await h.poller.stop();
  });

  it('by default: a message sent or received starts a 500 ms burst that slows to the calm 7.5 s', async () => {
    const h = harness({ retrieve: [ok] }, () => Date.now(), {});
    const { chattingMs, burstHoldMs, burstDecayMs, conversationOpenMs } = DEFAULT_POLL_INTERVALS;
    h.poller.setActiveConversation('05' + 'ab'.repeat(32));
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.retrieves()).toBe(1);
    // Quiet: the calm pace.
    await vi.advanceTimersByTimeAsync(conversationOpenMs - 1);
    expect(h.retrieves()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.retrieves()).toBe(2);
    // A message: the pending wait moves to the burst's, measured from the last poll (just now).
    const view = { id: 1, conversationId: 'c', direction: 'outgoing', senderSessionId: 's', receivedAt: 0, body: 'x', status: null, failureCode: null, kind: 'text', disappearing: null, expiresAt: null, attachments: [] } as const;
    h.ctx.events.emit({ type: 'message_added', message: { ...view, sentAt: Date.now() } });
    await vi.advanceTimersByTimeAsync(chattingMs);
    expect(h.retrieves()).toBe(3);
    // The whole hold at the burst's pace.
    await vi.advanceTimersByTimeAsync(burstHoldMs - chattingMs);
    expect(h.retrieves()).toBe(2 + burstHoldMs / chattingMs);
    // Then fewer polls as it slows, and the calm pace once the decay is over.
    const beforeDecay = h.retrieves();
    await vi.advanceTimersByTimeAsync(burstDecayMs);
    const duringDecay = h.retrieves() - beforeDecay;
    expect(duringDecay).toBeGreaterThan(burstDecayMs / conversationOpenMs);
    expect(duringDecay).toBeLessThan(burstDecayMs / chattingMs);
    await vi.advanceTimersByTimeAsync(conversationOpenMs);
    const settled = h.retrieves();
    await vi.advanceTimersByTimeAsync(conversationOpenMs);
    expect(h.retrieves()).toBe(settled + 1);
    await h.poller.stop();
  });

  it('`more` → at once, MAX_IMMEDIATE_REPOLLS times, then the interval', async () => {
    const h = harness({ retrieve: [() => Promise.resolve([answer('n1', [], false), answer('n2', [], true)])] });
    await h.poller.start();
    // Fake timers count a 0 ms timer set inside another as 1 ms: the burst takes ~10 ms.
    await vi.advanceTimersByTimeAsync(100);
    expect(h.retrieves()).toBe(1 + MAX_IMMEDIATE_REPOLLS);
    await vi.advanceTimersByTimeAsync(14_800);
    expect(h.retrieves()).toBe(1 + MAX_IMMEDIATE_REPOLLS);
    await vi.advanceTimersByTimeAsync(200);
    // After the interval the burst starts again: a node that keeps saying `more` is drained in bursts.
    expect(h.retrieves()).toBe(2 + 2 * MAX_IMMEDIATE_REPOLLS);
    await h.poller.stop();
  });

  it('failures back off: 30 s, 60 s, 60 s (list visible), then the interval again after a success', async () => {
    const h = harness({ retrieve: [fail('path_failed'), fail('path_failed'), fail('path_failed'), ok] });
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(0);
    const at: number[] = [];
    const start = Date.now();
    for (let t = 0; t < 200_000 && h.retrieves() < 6; t += 1_000) {
      const before = h.retrieves();
      await vi.advanceTimersByTimeAsync(1_000);
      if (h.retrieves() > before) at.push(Date.now() - start);
    }
    expect(at).toEqual([30_000, 90_000, 150_000, 165_000, 180_000]);
    expect(h.logs.filter((l) => l.includes('path_failed'))).toHaveLength(3);
    await h.poller.stop();
  });

  it('network_offline: no polls, probes backing off, and a poll as soon as the state leaves offline', async () => {
    const h = harness({
      retrieve: [
        () => {
          h.state.reportOffline();
          return Promise.reject(new ParleyError('network_offline', 'relay unreachable'));
        },
        ok,
      ],
    });
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.retrieves()).toBe(1);
    await vi.advanceTimersByTimeAsync(15_000 + 30_000);
    expect(h.probes()).toBe(2);
    expect(h.retrieves()).toBe(1);
    h.state.reportReachable();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.retrieves()).toBe(2);
    await h.poller.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('pollSoon polls at once while running and does nothing when stopped', async () => {
    const h = harness({ retrieve: [ok] });
    h.poller.pollSoon();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.retrieves()).toBe(0);
    await h.poller.start();
    await vi.advanceTimersByTimeAsync(1_000);
    h.poller.pollSoon();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.retrieves()).toBe(2);
    await h.poller.stop();
  });
});

describe('mergeRetrieved', () => {
  it('each hash once, ordered by store timestamp, more from any member', () => {
    const merged = mergeRetrieved(
      [answer('n1', [message('b', 20), message('c', 30)]), answer('n2', [message('a', 10), message('b', 20), message('d', 30)], true)],
      0,
    );
    expect(merged.messages.map((m) => m.hash)).toEqual(['a', 'b', 'c', 'd']);
    expect(merged.more).toBe(true);
    expect(mergeRetrieved([{ node: 'n', byNamespace: {} }], 0)).toEqual({ messages: [], more: false, refused: 0 });
  });

  it('sums the entries each answer refused, and the poll hands them to the receiver to count', async () => {
    expect(mergeRetrieved([answer('n1', [], false, 2), answer('n2', [message('a', 1)], false, 500)], 0).refused).toBe(502);
    const handed: unknown[] = [];
    const h = harness({ retrieve: [() => Promise.resolve([answer('n1', [message('a', 1)], false, 7)])] });
    const receiver = h.poller.receiver as unknown as { receive: (m: unknown, o: unknown) => Promise<ReceiveResult> };
    const original = receiver.receive.bind(receiver);
    receiver.receive = (messages, options) => (handed.push(options), original(messages, options));
    await h.poller.pollNow();
    expect(handed).toMatchObject([{ refused: 7 }]);
  });
});
