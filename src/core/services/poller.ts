/**
 * Polls the account's swarm for 1:1 messages (network-protocol.md §5.1) at the pace poll-schedule.ts
 * sets from what the person is doing. One poll: a signed `retrieve` of namespace 0 to `members`
 * random swarm members at once, their answers merged and deduplicated by hash, the messages handed
 * to the receiver, and only after the receiver has stored them the last hashes committed, so a
 * crash or a failing database between the two cannot skip a message (it is fetched again and
 * filtered by the seen-hash table).
 *
 * Namespaces 2–5 (the account's config: profile, contacts, …) are not polled: they need
 * libsession's config format (client-protocol.md §5.5), which Parley does not implement.
 * At most one poll runs at a time. Logs carry counts only.
 */
import { checkInteger } from '../../../wasm/check.ts';
import { isParleyError, ParleyError } from '../../shared/errors.ts';
import type { NetworkStatus } from '../net/network-state.ts';
import type { RetrievedMessage, RetrieveResult } from '../net/storage-client.ts';
import type { CoreContext } from './context.ts';
import type { CoreEvents } from './events.ts';
import {
  DEFAULT_POLL_INTERVALS,
  nextPoll,
  offlineProbeDelay,
  withJitter,
  type Attention,
  type PollIntervals,
  type PollOutcome,
} from './poll-schedule.ts';
import type { ReceiveStats } from '../api.ts';
import { Receiver, type ReceiveResult } from './receiver.ts';

/** What the event bus carries (the Core API's CoreEvent). */
type CoreEvent = Parameters<Parameters<CoreEvents['subscribe']>[0]>[0];

/** 1:1 messages and our own sync copies. */
const DEFAULT_NAMESPACE = 0;

export interface PollerOptions {
  /** Swarm members asked at once per poll (default 1, drawn at random each time; desktop: 2); 1 to 5. */
  readonly members?: number;
  /** Overrides of the schedule's numbers (tests use short ones). */
  readonly intervals?: Partial<PollIntervals>;
  /** [0, 1): the timers' jitter. */
  readonly random?: () => number;
  /** The receiver to hand messages to (default: a new one on the same context). */
  readonly receiver?: Receiver;
}

export interface PollResult extends ReceiveResult {
  /** Swarm members that answered. */
  readonly nodes: number;
  /** A node holds more than it sent: the next poll follows at once. */
  readonly more: boolean;
}

type Plan =
  | { readonly kind: 'idle' }
  | { readonly kind: 'timer'; readonly timer: ReturnType<typeof setTimeout> }
  | { readonly kind: 'offline'; readonly timer: ReturnType<typeof setTimeout>; readonly unsubscribe: () => void };

export class Poller {
  readonly receiver: Receiver;
  private readonly members: number;
  private readonly intervals: PollIntervals;
  private readonly random: () => number;

  private running = false;
  private controller = new AbortController();
  /** Polls run one after another on this chain. */
  private queue: Promise<void> = Promise.resolve();
  private plan: Plan = { kind: 'idle' };
  private eventsSubscription: number | undefined;

  private visible = true;
  private activeConversation: string | null = null;
  private lastActivityAt: number | null = null;
  private lastPollEndedAt: number | null = null;
  private outcome: PollOutcome = { kind: 'none' };
  private immediateRepolls = 0;
  private consecutiveFailures = 0;
  private offlineProbes = 0;

  constructor(
    private readonly ctx: CoreContext,
    options: PollerOptions = {},
  ) {
    const { members = 1, intervals = {}, random = Math.random } = options;
    checkInteger(members, 'options.members', 1, 5);
    this.members = members;
    this.intervals = { ...DEFAULT_POLL_INTERVALS, ...intervals };
    for (const [key, value] of Object.entries(this.intervals)) checkInteger(value, `options.intervals.${key}`, 1);
    this.random = random;
    this.receiver = options.receiver ?? new Receiver(ctx);
  }

  /** Starts polling, with a first poll at once (it fetches what the swarm holds after a restore). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.controller = new AbortController();
    this.eventsSubscription = this.ctx.events.subscribe((event) => this.onEvent(event));
    this.ctx.log('poller: started');
    this.pollSoon();
  }

  /** Stops polling: aborts the poll in flight, clears every timer, and waits until it has ended. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.clearPlan();
    if (this.eventsSubscription !== undefined) this.ctx.events.unsubscribe(this.eventsSubscription);
    this.eventsSubscription = undefined;
    this.controller.abort();
    await this.queue;
    this.controller = new AbortController();
    this.ctx.log('poller: stopped');
  }

  get isRunning(): boolean {
    return this.running;
  }

  setVisible(visible: boolean): void {
    if (typeof visible !== 'boolean') {
      throw new ParleyError('invalid_argument', 'visible must be a boolean', { param: 'visible', problem: 'type' });
    }
    if (visible === this.visible) return;
    this.visible = visible;
    this.replan();
  }

  /** The conversation on screen (its peer's Session ID), or null. */
  setActiveConversation(conversationId: string | null): void {
    if (conversationId !== null && typeof conversationId !== 'string') {
      throw new ParleyError('invalid_argument', 'conversationId must be a string or null', { param: 'conversationId', problem: 'type' });
    }
    if (conversationId === this.activeConversation) return;
    this.activeConversation = conversationId;
    this.replan();
  }

  /** Polls now (after any poll in flight) and resolves with what it found; errors reach the caller. */
  pollNow(): Promise<PollResult> {
    const run = this.queue.then(() => this.pollOnce());
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Asks for a poll as soon as possible (the network may be back, the app was restored); never throws. */
  pollSoon(): void {
    if (!this.running) return;
    this.clearPlan();
    this.pollNow().catch(() => undefined);
  }

  stats(): ReceiveStats {
    return this.receiver.stats();
  }

  /** The attention the schedule reads, as of now. */
  attention(): Attention {
    return {
      visible: this.visible,
      activeConversation: this.activeConversation !== null,
      lastActivityAt: this.lastActivityAt,
      now: this.ctx.clock(),
    };
  }

  private async pollOnce(): Promise<PollResult> {
    this.clearPlan();
    const signal = this.controller.signal;
    try {
      const result = await this.retrieveAndReceive(signal);
      this.consecutiveFailures = 0;
      this.offlineProbes = 0;
      this.outcome = { kind: 'ok', more: result.more, immediateRepolls: this.immediateRepolls };
      return result;
    } catch (error) {
      if (signal.aborted) throw error;
      const code = isParleyError(error) ? error.code : 'internal';
      this.consecutiveFailures++;
      this.outcome = { kind: 'failed', code, consecutiveFailures: this.consecutiveFailures };
      this.ctx.log(`poller: poll failed (${code}), ${this.consecutiveFailures} in a row`);
      throw error;
    } finally {
      this.lastPollEndedAt = this.ctx.clock();
      if (this.running && !signal.aborted) this.planAfterPoll();
    }
  }

  private async retrieveAndReceive(signal: AbortSignal): Promise<PollResult> {
    const identity = this.ctx.session.identity();
    const results = await this.ctx.network.storage.retrieve(identity, [DEFAULT_NAMESPACE], {
      signal,
      members: this.members,
      commitLastHashes: false,
    });
    const { messages, more, refused } = mergeRetrieved(results, DEFAULT_NAMESPACE);
    const received = await this.receiver.receive(messages, { signal, refused });
    // Only now: had the receiver failed, the same messages would be asked for again.
    await this.ctx.network.storage.commitLastHashes(identity.sessionId, results);
    const result: PollResult = { ...received, nodes: results.length, more };
    if (received.fetched > 0 || refused > 0) this.ctx.log(`poller: ${describe(result)}`);
    return result;
  }

  /** After a poll: the next one by the schedule, or a wait for the network. */
  private planAfterPoll(): void {
    const next = nextPoll(this.attention(), this.withRepolls(this.outcome), this.intervals);
    if (next.kind === 'when_online') {
      this.immediateRepolls = 0;
      this.waitForNetwork();
      return;
    }
    if (next.delayMs === 0) this.immediateRepolls++;
    else this.immediateRepolls = 0;
    this.setTimer(next.delayMs);
  }

  /** Attention changed: move a pending regular wait to the new interval (measured from the last poll). */
  private replan(): void {
    if (!this.running || this.plan.kind !== 'timer') return;
    const next = nextPoll(this.attention(), this.withRepolls(this.outcome), this.intervals);
    if (next.kind !== 'after' || next.delayMs === 0) return;
    this.setTimer(next.delayMs);
  }

  private setTimer(delayMs: number): void {
    this.clearPlan();
    const jittered = delayMs === 0 ? 0 : withJitter(delayMs, this.random);
    // A device clock that stepped back makes `since` negative; it must not add the step to the wait.
    const since = this.lastPollEndedAt === null ? 0 : Math.max(0, this.ctx.clock() - this.lastPollEndedAt);
    const wait = Math.max(0, jittered - since);
    const timer = setTimeout(() => {
      this.plan = { kind: 'idle' };
      this.pollNow().catch(() => undefined);
    }, wait);
    this.plan = { kind: 'timer', timer };
  }

  /**
   * The relay is unreachable: poll once the network state leaves 'offline' (another request got
   * through, or the core probed after the browser's `online` event), and probe now and then.
   */
  private waitForNetwork(): void {
    this.clearPlan();
    const resume = () => {
      this.clearPlan();
      this.pollNow().catch(() => undefined);
    };
    const unsubscribe = this.ctx.network.state.subscribe((status: NetworkStatus) => {
      if (status.kind !== 'offline') resume();
    });
    const delay = withJitter(offlineProbeDelay(this.attention(), this.offlineProbes, this.intervals), this.random);
    const timer = setTimeout(() => {
      this.offlineProbes++;
      const signal = this.controller.signal;
      this.ctx.network.state.probe(signal).then(
        (status) => {
          if (!this.running || signal.aborted || this.plan.kind !== 'offline') return;
          if (status.kind !== 'offline') resume();
          else this.waitForNetwork();
        },
        () => undefined,
      );
    }, delay);
    this.plan = { kind: 'offline', timer, unsubscribe };
  }

  private clearPlan(): void {
    if (this.plan.kind !== 'idle') clearTimeout(this.plan.timer);
    if (this.plan.kind === 'offline') this.plan.unsubscribe();
    this.plan = { kind: 'idle' };
  }

  private withRepolls(outcome: PollOutcome): PollOutcome {
    return outcome.kind === 'ok' ? { ...outcome, immediateRepolls: this.immediateRepolls } : outcome;
  }

  /** A message sent or received just now makes the open conversation "active". */
  private onEvent(event: CoreEvent): void {
    if (event.type !== 'message_added') return;
    const age = this.ctx.network.time.now() - event.message.sentAt;
    // A backlog fetched after a restore is not a conversation going on now.
    if (age > this.intervals.activeWindowMs) return;
    this.lastActivityAt = this.ctx.clock();
    this.replan();
  }
}

/**
 * One namespace's messages from every member's answer: each hash once (the first copy), ordered
 * by the store timestamp; `more` when any member has more; `refused`, the entries every answer
 * held that were refused unopened, summed.
 */
export function mergeRetrieved(
  results: readonly RetrieveResult[],
  namespace: number,
): { messages: RetrievedMessage[]; more: boolean; refused: number } {
  const byHash = new Map<string, RetrievedMessage>();
  let more = false;
  let refused = 0;
  for (const result of results) {
    const answer = result.byNamespace[namespace];
    if (answer === undefined) continue;
    more ||= answer.more;
    refused += answer.refused;
    for (const message of answer.messages) if (!byHash.has(message.hash)) byHash.set(message.hash, message);
  }
  // Array.prototype.sort is stable: equal timestamps keep the order the nodes gave.
  return { messages: [...byHash.values()].sort((a, b) => a.timestamp - b.timestamp), more, refused };
}

function describe(result: PollResult): string {
  const parts = [
    `${result.nodes} node(s)`,
    `${result.fetched} fetched`,
    `${result.alreadySeen} seen before`,
    `${result.stored} stored`,
    `${result.duplicates} duplicate(s)`,
  ];
  const junk = Object.entries(result.junk).map(([code, n]) => `${code}×${n}`);
  const ignored = Object.entries(result.ignored).map(([kind, n]) => `${kind}×${n}`);
  if (junk.length > 0) parts.push(`junk ${junk.join(' ')}`);
  if (ignored.length > 0) parts.push(`ignored ${ignored.join(' ')}`);
  if (result.more) parts.push('more');
  return parts.join(', ');
}
