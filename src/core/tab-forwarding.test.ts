import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError } from '../shared/errors.ts';
import type { CoreEvent } from './api.ts';
import { CALL_POLICY } from './call-policy.ts';
import { TabRouter } from './tab-router.ts';
import { ForwardingClient, serveForwardedCalls, TabChannelCounter, type Channel, type ForwardingLeader, type ForwardingPolicy } from './tab-forwarding.ts';

// Node's BroadcastChannel behaves like the browser's: every other instance with the same name receives.
const opened: InstanceType<typeof BroadcastChannel>[] = [];
function channel(name: string): Channel {
  const c = new BroadcastChannel(name);
  opened.push(c);
  return c as unknown as Channel;
}

afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

/** A test engine's methods, classified like the Core API's: a send is never run twice. `probe` is forwardable but no test engine has it, so only a leader answers it (invalid_argument). */
const TEST_POLICY: ForwardingPolicy = {
  forwardable: (method) => ['echo', 'refuse', 'crash', 'sendMessage', 'probe', 'uncloneable', 'proxied'].includes(method),
  repeatable: (method) => method !== 'sendMessage',
};

function serve(c: Channel, target: object, leaderId?: string, counter?: TabChannelCounter): ForwardingLeader {
  return serveForwardedCalls(c, target, { policy: TEST_POLICY, leaderId, counter });
}

function follow(c: Channel, tabId: string, onEvent: (event: CoreEvent) => void, timeoutMs?: number, counter?: TabChannelCounter): ForwardingClient {
  return new ForwardingClient(c, tabId, onEvent, { timeoutMs, policy: TEST_POLICY, counter });
}

/** Everything posted on `name`, as another tab sees it. */
function watch(name: string): { kind?: unknown; method?: unknown; id?: unknown; to?: unknown }[] {
  const seen: { kind?: unknown }[] = [];
  channel(name).addEventListener('message', (event) => seen.push(event.data as { kind?: unknown }));
  return seen;
}

/**
 * Resolves once `client` has heard a leader: a method no engine has is answered (with invalid_argument)
 * only by a leader, and a leader's announcement reaches the client before any of its answers.
 */
async function leaderHeard(client: ForwardingClient): Promise<void> {
  await expect(client.call('probe', [])).rejects.toMatchObject({ code: 'invalid_argument' });
}

/** Methods that never answer, and the calls that reached them (so a test knows a leader has them in hand). */
function hangingEngine(): { ran: string[]; echo: () => Promise<never>; sendMessage: () => Promise<never> } {
  const ran: string[] = [];
  return {
    ran,
    echo: () => (ran.push('echo'), new Promise<never>(() => undefined)),
    sendMessage: () => (ran.push('sendMessage'), new Promise<never>(() => undefined)),
  };
}

class Engine {
  calls: unknown[][] = [];
  async echo(text: string, n: number): Promise<{ text: string; n: number }> {
    this.calls.push([text, n]);
    return { text, n };
  }
  async refuse(): Promise<never> {
    throw new ParleyError('account_locked', 'locked');
  }
  async crash(): Promise<never> {
    throw new TypeError('a bug');
  }
}

describe('forwarding Core API calls between tabs', () => {
  it('runs a follower call on the leader and returns its value', async () => {
    const engine = new Engine();
    serve(channel('t1'), engine);
    const client = follow(channel('t1'), 'tab-a', () => undefined);
    await expect(client.call('echo', ['hi', 3])).resolves.toEqual({ text: 'hi', n: 3 });
    expect(engine.calls).toEqual([['hi', 3]]);
    client.close();
  });

  it('answers only the tab that asked', async () => {
    serve(channel('t2'), new Engine());
    const a = follow(channel('t2'), 'tab-a', () => undefined);
    const b = follow(channel('t2'), 'tab-b', () => undefined);
    const [ra, rb] = await Promise.all([a.call('echo', ['a', 1]), b.call('echo', ['b', 2])]);
    expect(ra).toEqual({ text: 'a', n: 1 });
    expect(rb).toEqual({ text: 'b', n: 2 });
    a.close();
    b.close();
  });

  it('keeps error codes across tabs, and codes unexpected failures', async () => {
    serve(channel('t3'), new Engine());
    const client = follow(channel('t3'), 'tab-a', () => undefined);
    await expect(client.call('refuse', [])).rejects.toMatchObject({ name: 'ParleyError', code: 'account_locked' });
    await expect(client.call('crash', [])).rejects.toMatchObject({ code: 'request_failed' });
    await expect(client.call('nope', [])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(client.call('subscribe', [])).rejects.toMatchObject({ code: 'invalid_argument' });
    client.close();
  });

  it("delivers the leader's events to every follower", async () => {
    const seen: CoreEvent[][] = [[], []];
    const a = follow(channel('t4'), 'tab-a', (e) => seen[0]!.push(e));
    const b = follow(channel('t4'), 'tab-b', (e) => seen[1]!.push(e));
    const leader = serve(channel('t4'), new Engine());
    await Promise.all([leaderHeard(a), leaderHeard(b)]);
    const event: CoreEvent = { type: 'network', state: { kind: 'offline' } };
    leader.broadcast(event);
    await expect.poll(() => seen.map((s) => s.length)).toEqual([1, 1]);
    expect(seen[0]![0]).toEqual(event);
    a.close();
    b.close();
  });

  it('fails with leader_unavailable when no tab leads', async () => {
    const client = follow(channel('t5'), 'tab-a', () => undefined, 50);
    await expect(client.call('echo', ['x', 1])).rejects.toMatchObject({ code: 'leader_unavailable' });
    client.close();
  });

  it('fails waiting calls when the tab becomes the leader itself, saying which are safe to run there', async () => {
    const client = follow(channel('t6'), 'tab-a', () => undefined);
    const early = client.call('sendMessage', ['05…', 'nobody heard this']);
    const old = hangingEngine();
    const stopOld = serve(channel('t6'), old, 'old').stop;
    await leaderHeard(client);
    const late = client.call('sendMessage', ['05…', 'the old leader may have sent this']);
    const read = client.call('echo', ['x', 1]);
    // The old leader has all three in hand (early was re-posted to it when it announced itself).
    await expect.poll(() => [...old.ran].sort()).toEqual(['echo', 'sendMessage', 'sendMessage']);
    stopOld();
    client.close();
    // `early` was re-posted to 'old' when it announced itself, so it may have run there too.
    await expect(early).rejects.toMatchObject({ code: 'leader_unavailable', details: { repeatable: false } });
    await expect(late).rejects.toMatchObject({ code: 'leader_unavailable', details: { repeatable: false } });
    await expect(read).rejects.toMatchObject({ code: 'leader_unavailable', details: { repeatable: true } });
  });

  it('a call posted before any leader is safe to run where the tab takes the lead', async () => {
    const client = follow(channel('t12'), 'tab-a', () => undefined);
    const send = client.call('sendMessage', ['05…', 'hi']);
    client.close();
    await expect(send).rejects.toMatchObject({ code: 'leader_unavailable', details: { repeatable: true } });
  });

  it('a call posted before any tab leads is answered once a leader starts listening', async () => {
    const wire = watch('t7');
    const client = follow(channel('t7'), 'tab-a', () => undefined);
    const early = client.call('echo', ['early', 1]);
    // The follower's call has been delivered (to nobody who answers) before the leader listens.
    await expect.poll(() => wire.filter((m) => m.kind === 'call')).toHaveLength(1);
    const engine = new Engine();
    serve(channel('t7'), engine);
    await expect(early).resolves.toEqual({ text: 'early', n: 1 });
    expect(engine.calls).toEqual([['early', 1]]);
    client.close();
  });

  it('runs a call once when its re-posted copy reaches the leader too', async () => {
    const engine = new Engine();
    const leaderSide = channel('t8');
    serve(leaderSide, engine);
    const probe = channel('t8');
    const results: unknown[] = [];
    probe.addEventListener('message', (event) => {
      if ((event.data as { kind?: unknown }).kind === 'result') results.push(event.data);
    });
    const call = { kind: 'call', id: 1, from: 'tab-x', method: 'echo', args: ['once', 1] };
    probe.postMessage(call);
    probe.postMessage(call);
    // Another tab may use the same id: calls are told apart by (from, id).
    probe.postMessage({ ...call, from: 'tab-y' });
    // A last call after the copies: the leader takes calls in order, so once this one is answered,
    // an answer to the second copy would have come before it.
    probe.postMessage({ ...call, id: 2, args: ['marker', 2] });
    await expect.poll(() => results.length).toBeGreaterThanOrEqual(3);
    expect(results.map((r) => `${String((r as { to: unknown }).to)}#${String((r as { id: unknown }).id)}`)).toEqual(['tab-x#1', 'tab-y#1', 'tab-x#2']);
    expect(engine.calls).toEqual([
      ['once', 1],
      ['once', 1],
      ['marker', 2],
    ]);
  });

  it('a call the old leader never answered is answered by the next leader', async () => {
    const old = hangingEngine();
    const stopOld = serve(channel('t9'), old).stop;
    const client = follow(channel('t9'), 'tab-a', () => undefined);
    const call = client.call('echo', ['again', 2]);
    await expect.poll(() => old.ran).toEqual(['echo']);
    stopOld(); // its tab closed with the call in flight
    serve(channel('t9'), new Engine());
    await expect(call).resolves.toEqual({ text: 'again', n: 2 });
    client.close();
  });

  it('never re-posts a send the old leader may have run; repeatable calls go to the new leader', async () => {
    const old = hangingEngine();
    const stopOld = serve(channel('t10'), old, 'leader-1').stop;
    const client = follow(channel('t10'), 'tab-a', () => undefined);
    // Posted once the follower knows leader-1.
    await leaderHeard(client);
    const send = client.call('sendMessage', ['05…', 'hi']);
    const read = client.call('echo', ['read', 3]);
    await expect.poll(() => old.ran).toEqual(['sendMessage', 'echo']);
    stopOld();
    const next = new Engine() as Engine & { sends: number; sendMessage: () => Promise<void> };
    next.sends = 0;
    next.sendMessage = async () => void next.sends++;
    serve(channel('t10'), next, 'leader-2');
    await expect(send).rejects.toMatchObject({ code: 'leader_unavailable', details: { method: 'sendMessage' } });
    await expect(read).resolves.toEqual({ text: 'read', n: 3 });
    // The follower re-posts in the order it called (send before read), and leader-2 runs calls in
    // the order they come: a re-posted send would have run before read was answered.
    expect(next.sends).toBe(0);
    client.close();
  });

  it('posts a send again when no leader had been known (nobody can have run it)', async () => {
    const wire = watch('t11');
    const client = follow(channel('t11'), 'tab-a', () => undefined);
    const send = client.call('sendMessage', ['05…', 'hi']);
    await expect.poll(() => wire.filter((m) => m.kind === 'call')).toHaveLength(1);
    let sends = 0;
    serve(channel('t11'), { sendMessage: async () => ++sends }, 'leader-1');
    await expect(send).resolves.toBe(1);
    expect(sends).toBe(1);
    client.close();
  });
});

/** Every message posted on a channel name, as another script on the origin would hear it. */
function listenTo(name: string): unknown[] {
  const heard: unknown[] = [];
  channel(name).addEventListener('message', (event) => void heard.push(event.data));
  return heard;
}

describe("the Core API's forwarding policy", () => {
  it('classifies every Core API method, and forwards only the ones that carry no secret', () => {
    expect(Object.entries(CALL_POLICY).filter(([, policy]) => policy === 'leader_only').map(([method]) => method).sort()).toEqual([
      'createAccount',
      'removePassphrase',
      'restoreAccount',
      'revealRecoveryPhrase',
      'setPassphrase',
      'unlock',
    ]);
    for (const method of ['newRecoveryPhrase', 'checkRecoveryPhrase', 'checkSessionId', 'subscribe', 'unsubscribe']) {
      expect(CALL_POLICY[method as keyof typeof CALL_POLICY]).toBe('local');
    }
    for (const method of ['sendMessage', 'deleteAccount', 'lock']) expect(CALL_POLICY[method as keyof typeof CALL_POLICY]).toBe('once');
  });

  it('a leader runs only forwardable Core API methods for another tab: no secret, no close, nothing off the table', async () => {
    const ran: string[] = [];
    const record = (name: string) => async () => void ran.push(name);
    const core = {
      getAccount: record('getAccount'),
      revealRecoveryPhrase: async () => 'the phrase',
      unlock: record('unlock'),
      close: record('close'),
      valueOf: record('valueOf'),
    };
    serveForwardedCalls(channel('p1'), core);
    const heard = listenTo('p1');
    const probe = channel('p1');
    for (const [id, method] of ['revealRecoveryPhrase', 'unlock', 'close', 'valueOf', 'getAccount'].entries()) {
      probe.postMessage({ kind: 'call', id, from: 'intruder', method, args: ['a guess'] });
    }
    // The last call is forwardable: once its answer is heard, the others were answered before it.
    await expect.poll(() => heard.filter((m) => (m as { kind?: string }).kind === 'result').length).toBe(5);
    const results = heard.filter((m): m is { ok: boolean; value?: unknown; error?: { code: string } } => (m as { kind?: string }).kind === 'result');
    expect(results.map((r) => (r.ok ? 'ok' : r.error!.code))).toEqual(['invalid_argument', 'invalid_argument', 'invalid_argument', 'invalid_argument', 'ok']);
    expect(JSON.stringify(heard)).not.toContain('the phrase');
    expect(ran).toEqual(['getAccount']);
  });

  it('a follower never posts a call that is not forwardable', async () => {
    const heard = listenTo('p2');
    const client = new ForwardingClient(channel('p2'), 'tab-a', () => undefined);
    await expect(client.call('unlock', ['correct horse'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(client.call('createAccount', [{ recoveryPhrase: 'secret words' }])).rejects.toMatchObject({ code: 'invalid_argument' });
    const unanswered = client.call('getAccount', []).catch((error: unknown) => error);
    client.close();
    await expect(unanswered).resolves.toMatchObject({ code: 'leader_unavailable' });
    // The hello and the getAccount call went out; neither secret did.
    await expect.poll(() => heard.some((m) => (m as { method?: string }).method === 'getAccount')).toBe(true);
    expect(JSON.stringify(heard)).not.toMatch(/correct horse|secret words/);
  });
});

describe('routing a call from this tab', () => {
  const fakeCore = () => ({
    unlocks: [] as string[],
    async unlock(passphrase: string) {
      this.unlocks.push(passphrase);
      return { locked: false };
    },
    async getAccount() {
      return { sessionId: '05ab' };
    },
  });

  it('in a follower, a call carrying a secret fails with secret_needs_leader_tab and nothing crosses the channel', async () => {
    const leaderCore = fakeCore();
    serveForwardedCalls(channel('r1'), leaderCore);
    const heard = listenTo('r1');
    const follower = new ForwardingClient(channel('r1'), 'tab-b', () => undefined);
    const router = new TabRouter({ follower, leading: () => undefined, leadershipWon: new Promise(() => undefined), roleTimeoutMs: 5_000 });
    await expect(router.call('unlock', ['correct horse'])).rejects.toMatchObject({ code: 'secret_needs_leader_tab', details: { method: 'unlock' } });
    await expect(router.call('createAccount', [{ recoveryPhrase: 'secret words', displayName: 'x' }])).rejects.toMatchObject({ code: 'secret_needs_leader_tab' });
    // Forwardable calls still reach the leader.
    await expect(router.call('getAccount', [])).resolves.toEqual({ sessionId: '05ab' });
    follower.close();
    expect(leaderCore.unlocks).toEqual([]);
    expect(JSON.stringify(heard)).not.toMatch(/correct horse|secret words/);
  });

  it('in the leading tab, a secret call runs on its own Core, even when asked before the lock was won', async () => {
    const own = fakeCore();
    let leading: Promise<object> | undefined;
    let won: () => void = () => undefined;
    const follower = new ForwardingClient(channel('r2'), 'tab-c', () => undefined);
    const router = new TabRouter({ follower, leading: () => leading, leadershipWon: new Promise((resolve) => (won = resolve)), roleTimeoutMs: 5_000 });
    const early = router.call('unlock', ['correct horse']);
    leading = Promise.resolve(own);
    won();
    await expect(early).resolves.toEqual({ locked: false });
    expect(own.unlocks).toEqual(['correct horse']);
    follower.close();
  });

  it('refuses to route the calls each tab answers itself', async () => {
    const follower = new ForwardingClient(channel('r3'), 'tab-d', () => undefined);
    const router = new TabRouter({ follower, leading: () => undefined, leadershipWon: new Promise(() => undefined), roleTimeoutMs: 50 });
    await expect(router.call('checkRecoveryPhrase', ['a phrase'])).rejects.toMatchObject({ code: 'invalid_argument' });
    // No leader anywhere: a secret call says so instead of waiting for ever.
    await expect(router.call('revealRecoveryPhrase', [])).rejects.toMatchObject({ code: 'leader_unavailable' });
    follower.close();
  });
});

/** Any script on the origin: it posts on the channel like a tab's worker, and nothing tells it apart. */
function intruder(name: string): (message: unknown) => void {
  const c = channel(name);
  return (message) => c.postMessage(message);
}

describe('messages nobody should post: dropped, counted, never thrown', () => {
  /** Shapes of no message the tabs post. None may reach the UI or the engine. */
  const malformed: unknown[] = [
    null,
    'leader',
    42,
    [],
    { kind: 'nonsense' },
    { kind: 'event', event: { type: 'network', state: { kind: 'offline' } } }, // no leader id
    { kind: 'event', leaderId: 'x', event: 'offline' },
    { kind: 'event', leaderId: 'x', event: { type: 'network' }, extra: 1 },
    { kind: 'result', id: 'one', to: 'tab-a', leaderId: 'x', ok: true, value: 1 },
    { kind: 'result', id: 1, to: 'tab-a', ok: true, value: 'no leader id' },
    { kind: 'result', id: 1, to: 'tab-a', leaderId: 'x', ok: false, error: 'not a coded error' },
    { kind: 'result', id: 1, to: 'tab-a', leaderId: 'x', ok: true, value: new Map([[1, 2]]) },
    { kind: 'leader', leaderId: 42 },
    { kind: 'leader', leaderId: '' },
    { kind: 'call', id: 1, from: 'intruder', method: 'echo', args: 'not an array' },
    { kind: 'call', id: 1, from: 'intruder', method: 'echo', args: [new Date(0)] },
    { kind: 'call', id: 1, from: 'intruder', method: 'echo', args: [1, 2, 3, 4, 5, 6] },
    { kind: 'call', id: -1, from: 'intruder', method: 'echo', args: [] },
    { kind: 'hello', leaderId: 'me' },
  ];

  it('a follower drops and counts forged malformed messages, and hands its UI none of them', async () => {
    const counter = new TabChannelCounter();
    const events: CoreEvent[] = [];
    const client = follow(channel('m1'), 'tab-a', (e) => events.push(e), undefined, counter);
    const post = intruder('m1');
    for (const message of malformed) post(message);
    await expect.poll(() => counter.stats().malformed).toBe(malformed.length);
    expect(events).toEqual([]);
    // And it still works: a leader is heard and answers.
    serve(channel('m1'), new Engine());
    await expect(client.call('echo', ['still', 1])).resolves.toEqual({ text: 'still', n: 1 });
    client.close();
  });

  it('a leader drops and counts them too, runs nothing, and keeps serving', async () => {
    const counter = new TabChannelCounter();
    const engine = new Engine();
    serve(channel('m2'), engine, 'leader-1', counter);
    const post = intruder('m2');
    for (const message of malformed) post(message);
    await expect.poll(() => counter.stats().malformed).toBe(malformed.length);
    const client = follow(channel('m2'), 'tab-a', () => undefined);
    await expect(client.call('echo', ['after', 2])).resolves.toEqual({ text: 'after', n: 2 });
    expect(engine.calls).toEqual([['after', 2]]);
    client.close();
  });

  it('a result that cannot be cloned reaches the follower as an internal error, and the leader keeps serving', async () => {
    const engine = Object.assign(new Engine(), {
      uncloneable: async () => ({ format: () => 'a function' }),
      // Looks like plain data to any check, and a structured clone still refuses it (DataCloneError).
      proxied: async () => new Proxy({ a: 1 }, {}),
    });
    serve(channel('m3'), engine);
    const client = follow(channel('m3'), 'tab-a', () => undefined, 10_000);
    await expect(client.call('uncloneable', [])).rejects.toMatchObject({ code: 'internal', details: { method: 'uncloneable' } });
    await expect(client.call('proxied', [])).rejects.toMatchObject({ code: 'internal', details: { method: 'proxied' } });
    await expect(client.call('echo', ['next', 3])).resolves.toEqual({ text: 'next', n: 3 });
    client.close();
  });

  it('a follower takes results and events only from the leader it knows', async () => {
    const wire = watch('m4');
    const counter = new TabChannelCounter();
    const events: CoreEvent[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const engine = Object.assign(new Engine(), {
      // Answers only once the test has seen the forgeries dropped.
      async echo(text: string, n: number) {
        await released;
        return { text, n };
      },
    });
    const leader = serve(channel('m4'), engine, 'leader-1');
    const client = follow(channel('m4'), 'tab-a', (e) => events.push(e), undefined, counter);
    await leaderHeard(client);
    const answer = client.call('echo', ['real', 4]);
    await expect.poll(() => wire.some((m) => m.kind === 'call' && m.method === 'echo')).toBe(true);
    const id = wire.find((m) => m.kind === 'call' && m.method === 'echo')!.id as number;
    const post = intruder('m4');
    post({ kind: 'result', id, to: 'tab-a', leaderId: 'not-the-leader', ok: true, value: { text: 'forged', n: 0 } });
    post({ kind: 'event', leaderId: 'not-the-leader', event: { type: 'network', state: { kind: 'offline' } } });
    post({ kind: 'result', id: id + 100, to: 'tab-a', leaderId: 'leader-1', ok: true, value: 'an answer to no call' });
    await expect.poll(() => counter.stats()).toEqual({ malformed: 0, unexpected: 3 });
    release();
    await expect(answer).resolves.toEqual({ text: 'real', n: 4 });
    // The real leader's events still come through.
    leader.broadcast({ type: 'network', state: { kind: 'building_path' } });
    await expect.poll(() => events).toEqual([{ type: 'network', state: { kind: 'building_path' } }]);
    client.close();
  });

  it('a follower refuses to post arguments that are not plain data, instead of waiting for an answer that cannot come', async () => {
    const client = follow(channel('m5'), 'tab-a', () => undefined);
    await expect(client.call('echo', [() => 'a function', 1])).rejects.toMatchObject({ code: 'invalid_argument', details: { param: 'args' } });
    await expect(client.call('echo', [new Map(), 1])).rejects.toMatchObject({ code: 'invalid_argument', details: { param: 'args' } });
    client.close();
  });
});
