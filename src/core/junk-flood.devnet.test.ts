/**
 * The junk flood (issue 9, "Prove it: Junk flood"): 1,000 junk payloads of six kinds stored
 * straight into Bob's swarm (namespace 0 takes unsigned stores from anyone), with 10 real messages
 * from Alice among them. Bob's core then opens and takes the flood in: all 10 messages are shown,
 * in order, each junk payload is counted by its code, and the core answers calls while it works.
 * The event loop's delay during the flood is printed, not asserted.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetFixture, type NetFixture } from '../../test/net-devnet-fixture.ts';
import { allMessages, openTestCore, swarmMembers, type TestCore } from '../../test/core-devnet.ts';
import { waitUntil } from '../../test/wait.ts';
import { ready } from '../../wasm/sodium.ts';
import { junkPayloads, storeInSwarm } from '../../test/junk.ts';
import type { ReceiveStats } from './api.ts';

const JUNK = 1_000;
const REAL = 10;

let fixture: NetFixture;
const opened: TestCore[] = [];

beforeAll(async () => {
  await ready();
  fixture = await startNetFixture({ nodeCount: 8, swarmCount: 2, rateLimit: false });
});

afterAll(async () => {
  await Promise.all(opened.map((core) => core.close()));
  await fixture?.stop();
});

const junkTotal = (stats: ReceiveStats) => Object.values(stats.junk).reduce((a, b) => a + (b ?? 0), 0);

describe('junk flood', () => {
  it(`${REAL} real messages among ${JUNK} junk payloads: all shown in order, the junk counted, the core answering meanwhile`, async () => {
    const alice = await openTestCore({ relayUrl: fixture.relayUrl });
    opened.push(alice);
    const aliceId = (await alice.createAccount({ recoveryPhrase: await alice.newRecoveryPhrase(), displayName: 'Alice' })).sessionId;
    // Bob's account exists on his device, whose core is closed while the swarm fills up.
    const bobFirst = await openTestCore({ relayUrl: fixture.relayUrl });
    const bobId = (await bobFirst.createAccount({ recoveryPhrase: await bobFirst.newRecoveryPhrase(), displayName: 'Bob' })).sessionId;
    await bobFirst.close();

    const junk = junkPayloads(JUNK, bobId);
    const [entry] = swarmMembers(fixture.net, bobId);
    const sent: string[] = [];
    for (let k = 0; k < REAL; k++) {
      await storeInSwarm(entry!.httpsPort, bobId, junk.slice((k * JUNK) / REAL, ((k + 1) * JUNK) / REAL));
      const body = `real ${k + 1}`;
      sent.push(body);
      const message = await alice.sendMessage(bobId, body);
      await waitUntil(`Alice's "${body}" to be stored in Bob's swarm`, async () => (await allMessages(alice, bobId)).find((m) => m.id === message.id)?.status === 'sent', {
        timeoutMs: 30_000,
      });
    }

    // Bob's device opens and meets the flood. The first real message comes after a hundred junk
    // payloads: a call made then must be answered before the flood has been worked through.
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const startedAt = performance.now();
    const bob = await openTestCore({ relayUrl: fixture.relayUrl, indexedDB: bobFirst.indexedDB });
    opened.push(bob);
    let duringFlood: Promise<{ junkWhenAnswered: number; conversations: number; ms: number }> | undefined;
    await bob.subscribe((event) => {
      if (event.type !== 'message_added' || duringFlood !== undefined) return;
      const askedAt = performance.now();
      duringFlood = Promise.all([bob.listConversations(), bob.status()]).then(([conversations, status]) => ({
        junkWhenAnswered: junkTotal(status.received),
        conversations: conversations.length,
        ms: performance.now() - askedAt,
      }));
    });
    await waitUntil('Bob to have taken in the whole flood', async () => {
      const { received } = await bob.status();
      return junkTotal(received) >= JUNK && received.stored >= REAL;
    }, { timeoutMs: 120_000, intervalMs: 100 });
    const floodMs = performance.now() - startedAt;
    lag.disable();

    const { received } = await bob.status();
    expect(received.stored).toBe(REAL);
    expect(junkTotal(received)).toBe(JUNK);
    expect(received.ignored).toEqual({});
    expect((await allMessages(bob, aliceId)).map((m) => [m.body, m.direction])).toEqual(sent.map((body) => [body, 'incoming']));
    expect((await bob.listConversations()).map((c) => c.id)).toEqual([aliceId]);

    expect(duringFlood).toBeDefined();
    const during = await duringFlood!;
    expect(during.conversations).toBe(1);
    expect(during.junkWhenAnswered).toBeLessThan(JUNK);

    console.log(
      [
        `junk flood: ${JUNK} junk + ${REAL} real messages taken in ${(floodMs / 1000).toFixed(1)} s after Bob's core opened`,
        `  junk by code: ${Object.entries(received.junk).map(([code, n]) => `${code}×${n}`).join(', ')}`,
        `  a call made at the first real message answered in ${during.ms.toFixed(0)} ms, with ${during.junkWhenAnswered} of ${JUNK} junk counted`,
        `  event loop delay meanwhile: p50 ${(lag.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms`,
      ].join('\n'),
    );
  }, 240_000);
});
