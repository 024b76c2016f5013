/**
 * The fault suite (issue 9, "Prove it: Faults"): two Cores hold a scripted conversation through the
 * relay and a 12-node devnet (2 swarms of 6) while, in turn, the network misbehaves. After every
 * phase each side must hold every message of the other exactly once, in the order it was sent.
 * The suite prints what it survived and what each fault cost in failed attempts.
 *
 * Everyday run (`npm test`): 40 messages in all, spread over the phases. `PARLEY_FAULTS=full`
 * (which .ci/run sets): 200. Every wait is for an event, with a deadline that only turns a hang
 * into a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetFixture, type NetFixture } from '../../test/net-devnet-fixture.ts';
import { allMessages, currentPath, openTestCore, swarmMembers, type TestCore } from '../../test/core-devnet.ts';
import { waitUntil } from '../../test/wait.ts';

const FULL = process.env['PARLEY_FAULTS'] === 'full';
const TOTAL_MESSAGES = FULL ? 200 : 40;
/** Only turns a stuck phase into a failure; a phase normally ends in seconds. */
const PHASE_DEADLINE_MS = 120_000;
/** The delay of the slow node: far beyond every hop timeout (1.5 s here), as the issue asks. */
const SLOW_NODE_DELAY_MS = 20_000;
const CLOCK_STEP_MS = 2 * 60_000;

let fixture: NetFixture;
let alice: TestCore;
let bob: TestCore;
let aliceId: string;
let bobId: string;
/** Alice's device clock is Date.now() plus this (the clock phase moves it). */
let aliceClockOffset = 0;

beforeAll(async () => {
  fixture = await startNetFixture({ nodeCount: 12, swarmCount: 2, rateLimit: false, forwardTimeoutMs: 300 });
  // The outbox's default 8 attempts span about 4 minutes, longer than any fault here; with the
  // test's short waits (100 ms … 1 s) it gets more attempts so that it still outlasts every fault.
  const outbox = { schedule: { maxAttempts: 200, retryBaseMs: 100, retryMaxMs: 1_000, probeBaseMs: 200, probeMaxMs: 1_000 } };
  alice = await openTestCore({ relayUrl: fixture.relayUrl, clock: () => Date.now() + aliceClockOffset, outbox });
  bob = await openTestCore({ relayUrl: fixture.relayUrl, outbox });
  aliceId = (await alice.createAccount({ recoveryPhrase: await alice.newRecoveryPhrase(), displayName: 'Alice' })).sessionId;
  bobId = (await bob.createAccount({ recoveryPhrase: await bob.newRecoveryPhrase(), displayName: 'Bob' })).sessionId;
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await fixture?.stop();
});

interface Phase {
  readonly name: string;
  /** Puts the fault in place and returns what ends it. */
  readonly inject: () => Promise<() => Promise<void>>;
  /**
   * An outage (every node, the relay) ends once both cores have met it, with the phase's messages
   * written meanwhile; otherwise the fault holds until the phase's messages are delivered.
   */
  readonly outage?: () => Promise<boolean>;
  /**
   * The fault sits where the cores' traffic must meet it (their own paths): the phase also waits
   * for a failed attempt, so a fault that was never met cannot pass as survived. Elsewhere (swarm
   * members the pools may have dropped already, a clock both signatures may tolerate for a while)
   * the table shows whether it was met.
   */
  readonly mustMeet?: boolean;
}

const devnet = () => fixture.net.devnet;

const phases: Phase[] = [
  {
    name: "the guard of Alice's current path stops",
    async inject() {
      const [guard] = await currentPath(alice, fixture.net);
      await devnet().node(guard!.index).stop();
      return () => devnet().node(guard!.index).start();
    },
    mustMeet: true,
  },
  {
    name: "two of the six members of Bob's swarm stop",
    async inject() {
      const members = swarmMembers(fixture.net, bobId);
      expect(members).toHaveLength(6);
      const stopped = members.slice(0, 2);
      for (const member of stopped) await devnet().node(member.index).stop();
      return async () => {
        for (const member of stopped) await devnet().node(member.index).start();
      };
    },
  },
  {
    name: 'every node stops, then restarts',
    async inject() {
      await Promise.all(devnet().nodes.map((node) => node.stop()));
      return async () => {
        await Promise.all(devnet().nodes.map((node) => node.start()));
      };
    },
    // Each core has had a request fail against the stopped network.
    outage: async () => failuresSince(alice) > 0 && failuresSince(bob) > 0,
  },
  {
    name: "a relay hop of Alice's current path answers garbage",
    async inject() {
      const [, hop] = await currentPath(alice, fixture.net);
      devnet().node(hop!.index).garbage(true);
      return async () => devnet().node(hop!.index).garbage(false);
    },
    mustMeet: true,
  },
  {
    name: "the guard of Bob's current path answers 503",
    async inject() {
      const [guard] = await currentPath(bob, fixture.net);
      devnet().node(guard!.index).fail503(true);
      return async () => devnet().node(guard!.index).fail503(false);
    },
    mustMeet: true,
  },
  {
    name: `the last relay hop of Alice's current path answers after ${SLOW_NODE_DELAY_MS / 1000} s`,
    async inject() {
      const [, , hop] = await currentPath(alice, fixture.net);
      devnet().node(hop!.index).delay(SLOW_NODE_DELAY_MS);
      return async () => devnet().node(hop!.index).delay(0);
    },
    mustMeet: true,
  },
  {
    name: 'the relay restarts',
    async inject() {
      await fixture.closeRelay();
      return async () => {
        await fixture.restartRelay();
      };
    },
    outage: async () => (await alice.getNetworkState()).kind === 'offline' && (await bob.getNetworkState()).kind === 'offline',
  },
  {
    name: "Alice's device clock goes 2 minutes back",
    async inject() {
      aliceClockOffset = -CLOCK_STEP_MS;
      // It stays off: the core must live with it (network time corrects it after the first 406).
      return async () => undefined;
    },
  },
  {
    name: "Alice's device clock goes 2 minutes ahead",
    async inject() {
      aliceClockOffset = CLOCK_STEP_MS;
      return async () => undefined;
    },
  },
];

/** What one phase cost, from the cores' log lines. */
interface Cost {
  readonly phase: string;
  readonly seconds: number;
  /** Onion attempts that failed (each one is retried unless its request gave up), by reason. */
  readonly failedAttempts: Map<string, number>;
  /** Send attempts the outbox made again after a store gave up. */
  readonly outboxRetries: number;
  /** Polls that failed (the poller tried again). */
  readonly failedPolls: number;
  readonly nodesDropped: number;
  /** Times a core found the relay unreachable (offline is waited out, not retried). */
  readonly wentOffline: number;
}

const logMarks = new Map<TestCore, { logs: number; events: number }>();
const markLogs = () => [alice, bob].forEach((core) => logMarks.set(core, { logs: core.logs.length, events: core.events.length }));
const linesSince = (core: TestCore) => core.logs.slice(logMarks.get(core)?.logs ?? 0);
const eventsSince = (core: TestCore) => core.events.slice(logMarks.get(core)?.events ?? 0);
/** Failed onion attempts (path or destination) in a core's log since the phase began. */
const failuresSince = (core: TestCore) => linesSince(core).filter((line) => failedAttemptReason(line) !== undefined).length;

function failedAttemptReason(line: string): string | undefined {
  const path = /^net: path via \S+: (\S+)$/.exec(line);
  if (path) return `path ${path[1]}`;
  const destination = /^net: \S+ → \S+: (\S+) \((\d+)\)$/.exec(line);
  if (destination) return `${destination[1]} ${destination[2]}`;
  return undefined;
}

/** How often a core's network state turned offline since the phase began. */
function timesOffline(core: TestCore): number {
  const kinds = eventsSince(core).flatMap((e) => (e.type === 'network' ? [e.state.kind] : []));
  return kinds.filter((kind, i) => kind === 'offline' && kinds[i - 1] !== 'offline').length;
}

function costOf(phase: string, seconds: number): Cost {
  const lines = [...linesSince(alice), ...linesSince(bob)];
  const failedAttempts = new Map<string, number>();
  for (const line of lines) {
    const reason = failedAttemptReason(line);
    if (reason !== undefined) failedAttempts.set(reason, (failedAttempts.get(reason) ?? 0) + 1);
  }
  return {
    phase,
    seconds,
    failedAttempts,
    outboxRetries: lines.filter((line) => /^outbox: message \d+ attempt \d+ failed/.test(line)).length,
    failedPolls: lines.filter((line) => line.startsWith('poller: poll failed')).length,
    nodesDropped: lines.filter((line) => / dropped from the pool /.test(line)).length,
    wentOffline: timesOffline(alice) + timesOffline(bob),
  };
}

function printCosts(costs: readonly Cost[], total: number): void {
  const rows = costs.map((c) => {
    const attempts = [...c.failedAttempts.values()].reduce((a, b) => a + b, 0);
    const reasons = [...c.failedAttempts].map(([reason, n]) => `${reason}×${n}`).join(', ');
    const met = attempts > 0 || c.wentOffline > 0 ? 'yes' : 'no';
    return [c.phase, met, c.seconds.toFixed(1), String(attempts), String(c.outboxRetries), String(c.failedPolls), String(c.nodesDropped), String(c.wentOffline), reasons];
  });
  const header = ['survived', 'met', 's', 'failed onion attempts', 'outbox retries', 'failed polls', 'nodes dropped', 'went offline', 'by reason'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  console.log(
    [
      `fault suite: ${total} messages in both directions over ${costs.length} faults, each delivered once, in order`,
      line(header),
      widths.map((w) => '-'.repeat(w)).join('-|-'),
      ...rows.map(line),
    ].join('\n'),
  );
}

/** The bodies `from` has sent to `to` that `to` holds, in the order `to` shows them. */
async function received(to: TestCore, fromId: string): Promise<string[]> {
  return (await allMessages(to, fromId)).filter((m) => m.direction === 'incoming').map((m) => m.body);
}

/** Waits until `to` holds as many messages from `fromId` as were sent, then checks they are exactly those, in order. */
async function expectDelivered(to: TestCore, fromId: string, sent: readonly string[], what: string): Promise<void> {
  await waitUntil(what, async () => (await received(to, fromId)).length >= sent.length, { timeoutMs: PHASE_DEADLINE_MS, intervalMs: 100 });
  expect(await received(to, fromId), what).toEqual(sent);
}

describe('fault suite', () => {
  it(
    `a conversation of ${TOTAL_MESSAGES} messages survives every fault, each message delivered once and in order`,
    async () => {
      await waitUntil('both cores have a path', async () => (await alice.getNetworkState()).kind === 'connected' && (await bob.getNetworkState()).kind === 'connected', {
        timeoutMs: 30_000,
      });
      const sentByAlice: string[] = [];
      const sentByBob: string[] = [];
      const costs: Cost[] = [];
      let n = 0;
      for (const [index, phase] of phases.entries()) {
        markLogs();
        // The messages spread evenly over the phases.
        const upTo = Math.floor((TOTAL_MESSAGES * (index + 1)) / phases.length);
        const startedAt = performance.now();
        const heal = await phase.inject();
        for (; n < upTo; n++) {
          const body = `${n % 2 === 0 ? 'A' : 'B'} ${String(n).padStart(3, '0')}`;
          if (n % 2 === 0) {
            await alice.sendMessage(bobId, body);
            sentByAlice.push(body);
          } else {
            await bob.sendMessage(aliceId, body);
            sentByBob.push(body);
          }
        }
        if (phase.outage) {
          await waitUntil(`both cores to meet the fault "${phase.name}"`, phase.outage, { timeoutMs: PHASE_DEADLINE_MS, intervalMs: 100 });
          await heal();
        }
        await expectDelivered(bob, aliceId, sentByAlice, `Bob to hold Alice's messages (${phase.name})`);
        await expectDelivered(alice, bobId, sentByBob, `Alice to hold Bob's messages (${phase.name})`);
        if (phase.mustMeet) {
          await waitUntil(`the cores to meet the fault "${phase.name}"`, () => failuresSince(alice) + failuresSince(bob) > 0, {
            timeoutMs: PHASE_DEADLINE_MS,
            intervalMs: 100,
          });
        }
        if (!phase.outage) await heal();
        costs.push(costOf(phase.name, (performance.now() - startedAt) / 1000));
      }

      // Nothing arrives late or twice: a last message from each side comes after anything stored before it.
      sentByAlice.push('A last');
      sentByBob.push('B last');
      await alice.sendMessage(bobId, 'A last');
      await bob.sendMessage(aliceId, 'B last');
      await expectDelivered(bob, aliceId, sentByAlice, "Bob to hold Alice's last message");
      await expectDelivered(alice, bobId, sentByBob, "Alice to hold Bob's last message");
      // Each sender's own view: every message once, in order, all of them sent.
      await waitUntil('both outboxes to be empty', async () => (await alice.getOutboxSummary()).pending === 0 && (await bob.getOutboxSummary()).pending === 0, {
        timeoutMs: PHASE_DEADLINE_MS,
      });
      for (const [core, peer, sent] of [
        [alice, bobId, sentByAlice],
        [bob, aliceId, sentByBob],
      ] as const) {
        const outgoing = (await allMessages(core, peer)).filter((m) => m.direction === 'outgoing');
        expect(outgoing.map((m) => m.body)).toEqual(sent);
        expect(new Set(outgoing.map((m) => m.status))).toEqual(new Set(['sent']));
      }
      printCosts(costs, n);
    },
    FULL ? 15 * 60_000 : 6 * 60_000,
  );
});
