import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError } from '../shared/errors.ts';
import type { CoreEvent } from './api.ts';
import { broadcastEvent, ForwardingClient, serveForwardedCalls, type Channel } from './tab-forwarding.ts';

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

/** Everything posted on `name`, as another tab sees it. */
function watch(name: string): { kind?: unknown; method?: unknown; id?: unknown; to?: unknown }[] {
  const seen: { kind?: unknown }[] = [];
  channel(name).addEventListener('message', (event) => seen.push(event.data as { kind?: unknown }));
  return seen;
}

/**
 * Resolves once `client` has heard a leader: an unknown method is answered (with invalid_argument)
 * only by a leader, and a leader's announcement reaches the client before any of its answers.
 */
async function leaderHeard(client: ForwardingClient): Promise<void> {
  await expect(client.call('noSuchMethod', [])).rejects.toMatchObject({ code: 'invalid_argument' });
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
    serveForwardedCalls(channel('t1'), engine);
    const client = new ForwardingClient(channel('t1'), 'tab-a', () => undefined);
    await expect(client.call('echo', ['hi', 3])).resolves.toEqual({ text: 'hi', n: 3 });
    expect(engine.calls).toEqual([['hi', 3]]);
    client.close();
  });

  it('answers only the tab that asked', async () => {
    serveForwardedCalls(channel('t2'), new Engine());
    const a = new ForwardingClient(channel('t2'), 'tab-a', () => undefined);
    const b = new ForwardingClient(channel('t2'), 'tab-b', () => undefined);
    const [ra, rb] = await Promise.all([a.call('echo', ['a', 1]), b.call('echo', ['b', 2])]);
    expect(ra).toEqual({ text: 'a', n: 1 });
    expect(rb).toEqual({ text: 'b', n: 2 });
    a.close();
    b.close();
  });

  it('keeps error codes across tabs, and codes unexpected failures', async () => {
    serveForwardedCalls(channel('t3'), new Engine());
    const client = new ForwardingClient(channel('t3'), 'tab-a', () => undefined);
    await expect(client.call('refuse', [])).rejects.toMatchObject({ name: 'ParleyError', code: 'account_locked' });
    await expect(client.call('crash', [])).rejects.toMatchObject({ code: 'request_failed' });
    await expect(client.call('nope', [])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(client.call('subscribe', [])).rejects.toMatchObject({ code: 'invalid_argument' });
    client.close();
  });

  it("delivers the leader's events to every follower", async () => {
    const leaderSide = channel('t4');
    const seen: CoreEvent[][] = [[], []];
    const a = new ForwardingClient(channel('t4'), 'tab-a', (e) => seen[0]!.push(e));
    const b = new ForwardingClient(channel('t4'), 'tab-b', (e) => seen[1]!.push(e));
    const event: CoreEvent = { type: 'network', state: { kind: 'offline' } };
    broadcastEvent(leaderSide, event);
    await expect.poll(() => seen.map((s) => s.length)).toEqual([1, 1]);
    expect(seen[0]![0]).toEqual(event);
    a.close();
    b.close();
  });

  it('fails with leader_unavailable when no tab leads', async () => {
    const client = new ForwardingClient(channel('t5'), 'tab-a', () => undefined, 50);
    await expect(client.call('echo', ['x', 1])).rejects.toMatchObject({ code: 'leader_unavailable' });
    client.close();
  });

  it('fails waiting calls when the tab becomes the leader itself, saying which are safe to run there', async () => {
    const client = new ForwardingClient(channel('t6'), 'tab-a', () => undefined);
    const early = client.call('sendMessage', ['05…', 'nobody heard this']);
    const old = hangingEngine();
    const stopOld = serveForwardedCalls(channel('t6'), old, 'old');
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
    const client = new ForwardingClient(channel('t12'), 'tab-a', () => undefined);
    const send = client.call('sendMessage', ['05…', 'hi']);
    client.close();
    await expect(send).rejects.toMatchObject({ code: 'leader_unavailable', details: { repeatable: true } });
  });

  it('a call posted before any tab leads is answered once a leader starts listening', async () => {
    const wire = watch('t7');
    const client = new ForwardingClient(channel('t7'), 'tab-a', () => undefined);
    const early = client.call('echo', ['early', 1]);
    // The follower's call has been delivered (to nobody who answers) before the leader listens.
    await expect.poll(() => wire.filter((m) => m.kind === 'call')).toHaveLength(1);
    const engine = new Engine();
    serveForwardedCalls(channel('t7'), engine);
    await expect(early).resolves.toEqual({ text: 'early', n: 1 });
    expect(engine.calls).toEqual([['early', 1]]);
    client.close();
  });

  it('runs a call once when its re-posted copy reaches the leader too', async () => {
    const engine = new Engine();
    const leaderSide = channel('t8');
    serveForwardedCalls(leaderSide, engine);
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
    const stopOld = serveForwardedCalls(channel('t9'), old);
    const client = new ForwardingClient(channel('t9'), 'tab-a', () => undefined);
    const call = client.call('echo', ['again', 2]);
    await expect.poll(() => old.ran).toEqual(['echo']);
    stopOld(); // its tab closed with the call in flight
    serveForwardedCalls(channel('t9'), new Engine());
    await expect(call).resolves.toEqual({ text: 'again', n: 2 });
    client.close();
  });

  it('never re-posts a send the old leader may have run; repeatable calls go to the new leader', async () => {
    const old = hangingEngine();
    const stopOld = serveForwardedCalls(channel('t10'), old, 'leader-1');
    const client = new ForwardingClient(channel('t10'), 'tab-a', () => undefined);
    // Posted once the follower knows leader-1.
    await leaderHeard(client);
    const send = client.call('sendMessage', ['05…', 'hi']);
    const read = client.call('echo', ['read', 3]);
    await expect.poll(() => old.ran).toEqual(['sendMessage', 'echo']);
    stopOld();
    const next = new Engine() as Engine & { sends: number; sendMessage: () => Promise<void> };
    next.sends = 0;
    next.sendMessage = async () => void next.sends++;
    serveForwardedCalls(channel('t10'), next, 'leader-2');
    await expect(send).rejects.toMatchObject({ code: 'leader_unavailable', details: { method: 'sendMessage' } });
    await expect(read).resolves.toEqual({ text: 'read', n: 3 });
    // The follower re-posts in the order it called (send before read), and leader-2 runs calls in
    // the order they come: a re-posted send would have run before read was answered.
    expect(next.sends).toBe(0);
    client.close();
  });

  it('posts a send again when no leader had been known (nobody can have run it)', async () => {
    const wire = watch('t11');
    const client = new ForwardingClient(channel('t11'), 'tab-a', () => undefined);
    const send = client.call('sendMessage', ['05…', 'hi']);
    await expect.poll(() => wire.filter((m) => m.kind === 'call')).toHaveLength(1);
    let sends = 0;
    serveForwardedCalls(channel('t11'), { sendMessage: async () => ++sends }, 'leader-1');
    await expect(send).resolves.toBe(1);
    expect(sends).toBe(1);
    client.close();
  });
});
