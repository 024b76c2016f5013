/**
 * Several open tabs, one engine. Every tab has its own worker, but only the worker that holds the
 * leader lock (tab-leadership.ts) runs the Core; the others forward each Core API call to it over a
 * BroadcastChannel and hand its events to their own UI. So two tabs never poll or send twice, and
 * secret keys live in one worker only.
 *
 * The wire messages, channel name and lock name are a contract in src/shared/tab-channel.ts.
 *
 * A BroadcastChannel keeps nothing for a listener that is not there yet: a call posted while the
 * leader is still opening its Core (two tabs opened together), or while a new leader takes over,
 * reaches no one. So a leader announces itself once it listens, and followers then post their
 * unanswered calls again; a leader answers each (from, id) once, whichever copy comes first.
 *
 * A call posted while an OLD leader was known may have run there before that tab closed. Read-only
 * and repeatable calls are simply posted again to the new leader; calls that must not run twice
 * (sending a message, deleting the account, locking) fail with `leader_unavailable` instead, so the
 * UI can look and ask again — never a message sent twice.
 *
 * Which calls travel at all, and which may be repeated, is call-policy.ts's table: calls that
 * carry a phrase or a passphrase never do, and a leader runs nothing else for another tab.
 */
import { isParleyError, ParleyError } from '../shared/errors.ts';
import type { CoreEvent } from './api.ts';
import type { CallMessage, EventMessage as TabEventMessage, HelloMessage, LeaderMessage, ResultMessage } from '../shared/tab-channel.ts';
import { isForwardable, isRepeatable } from './call-policy.ts';
import { deserializeParleyError, isWireParleyError, serializeParleyError } from './errors-transfer.ts';

/** The channel surface used here (BroadcastChannel in workers and in Node). */
export interface Channel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

type Call = CallMessage;
type Result = ResultMessage;
type EventMessage = TabEventMessage<CoreEvent>;

/** Which methods may cross the channel, and which may run again on a new leader. */
export interface ForwardingPolicy {
  forwardable(method: string): boolean;
  repeatable(method: string): boolean;
}

/** The Core API's policy (call-policy.ts). */
export const CORE_FORWARDING: ForwardingPolicy = { forwardable: isForwardable, repeatable: isRepeatable };

/** How long a follower waits for the leader (a restore that fetches the swarm can take a while). */
export const FORWARD_TIMEOUT_MS = 60_000;

/** Calls remembered by the leader so a re-posted copy is not run twice (oldest forgotten first). */
const REMEMBERED_CALLS = 1_000;

/**
 * The leader's side: answers calls with `target` (events go out through `broadcastEvent`), and
 * announces itself so followers re-post calls nobody heard. Returns a stop function.
 */
export function serveForwardedCalls(
  channel: Channel,
  target: object,
  policy: ForwardingPolicy = CORE_FORWARDING,
  leaderId: string = crypto.randomUUID(),
): () => void {
  const received = new Set<string>();
  const announce = () => channel.postMessage({ kind: 'leader', leaderId } satisfies LeaderMessage);
  const listener = (event: { data: unknown }) => {
    const message = event.data as Partial<Call> | Partial<HelloMessage>;
    if (message?.kind === 'hello') {
      announce();
      return;
    }
    if (message?.kind !== 'call' || typeof message.method !== 'string' || !Array.isArray(message.args)) return;
    const key = `${String(message.from)}\u0000${String(message.id)}`;
    if (received.has(key)) return;
    received.add(key);
    if (received.size > REMEMBERED_CALLS) received.delete(received.values().next().value!);
    void answer(channel, target, policy, message as Call);
  };
  channel.addEventListener('message', listener);
  announce();
  return () => channel.removeEventListener('message', listener);
}

export function broadcastEvent(channel: Channel, event: CoreEvent): void {
  channel.postMessage({ kind: 'event', event } satisfies EventMessage);
}

async function answer(channel: Channel, target: object, policy: ForwardingPolicy, call: Call): Promise<void> {
  const method = policy.forwardable(call.method) ? (target as Record<string, unknown>)[call.method] : undefined;
  let result: Result;
  try {
    if (typeof method !== 'function') {
      throw new ParleyError('invalid_argument', `no such Core API method: ${call.method}`, { param: 'method', problem: 'value' });
    }
    const value: unknown = await (method as (...args: unknown[]) => unknown).apply(target, call.args);
    result = { kind: 'result', id: call.id, to: call.from, ok: true, value };
  } catch (error) {
    const coded = isParleyError(error) ? error : new ParleyError('request_failed', 'the engine failed to answer');
    result = { kind: 'result', id: call.id, to: call.from, ok: false, error: serializeParleyError(coded) };
  }
  channel.postMessage(result);
}

/** The follower's side: calls go to whichever worker leads; the leader's events reach `onEvent`. */
export class ForwardingClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    {
      call: Call;
      /** The leader known when the call was posted (undefined: none yet, so no one can have run it). */
      postedUnder: string | undefined;
      resolve: (v: unknown) => void;
      reject: (e: unknown) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();
  private knownLeader: string | undefined;
  private leaderWaiters: (() => void)[] = [];
  private readonly listener = (event: { data: unknown }) => this.received(event.data);

  constructor(
    private readonly channel: Channel,
    private readonly tabId: string,
    private readonly onEvent: (event: CoreEvent) => void,
    private readonly timeoutMs = FORWARD_TIMEOUT_MS,
    private readonly policy: ForwardingPolicy = CORE_FORWARDING,
  ) {
    channel.addEventListener('message', this.listener);
    channel.postMessage({ kind: 'hello' } satisfies HelloMessage);
  }

  /** The first leader announcement heard (or at once if one was heard already). */
  leaderKnown(): Promise<void> {
    if (this.knownLeader !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.leaderWaiters.push(resolve));
  }

  call(method: string, args: unknown[]): Promise<unknown> {
    if (!this.policy.forwardable(method)) {
      // Never posted: a call that may carry a secret, or one each tab answers itself.
      return Promise.reject(new ParleyError('invalid_argument', `${method} is not forwarded to another tab`, { param: 'method', problem: 'value' }));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ParleyError('leader_unavailable', 'no open tab answered for the engine', { method }));
      }, this.timeoutMs);
      const call: Call = { kind: 'call', id, from: this.tabId, method, args };
      this.pending.set(id, { call, postedUnder: this.knownLeader, resolve, reject, timer });
      this.channel.postMessage(call);
    });
  }

  /**
   * Stops listening (e.g. this tab just became the leader). Calls still waiting fail with
   * `leader_unavailable`; `details.repeatable` says whether running them again here is safe (no
   * leader can have run them, or running twice does no harm).
   */
  close(): void {
    this.channel.removeEventListener('message', this.listener);
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      const repeatable = pending.postedUnder === undefined || this.policy.repeatable(pending.call.method);
      pending.reject(new ParleyError('leader_unavailable', 'the engine moved to this tab', { method: pending.call.method, repeatable }));
      this.pending.delete(id);
    }
  }

  /** Calls posted before may have reached no one: post them again, unless an older leader may have run them. */
  private leaderAnnounced(leaderId: string): void {
    this.knownLeader = leaderId;
    for (const resolve of this.leaderWaiters.splice(0)) resolve();
    for (const [id, pending] of this.pending) {
      const mayHaveRun = pending.postedUnder !== undefined && pending.postedUnder !== leaderId;
      if (mayHaveRun && !this.policy.repeatable(pending.call.method)) {
        this.pending.delete(id);
        clearTimeout(pending.timer);
        pending.reject(new ParleyError('leader_unavailable', 'the engine moved to another tab during this call; check and try again', { method: pending.call.method }));
        continue;
      }
      pending.postedUnder = leaderId;
      this.channel.postMessage(pending.call);
    }
  }

  private received(data: unknown): void {
    const message = data as { kind?: unknown; event?: CoreEvent; id?: unknown; to?: unknown; ok?: unknown; value?: unknown; error?: unknown } | null;
    if (message?.kind === 'event' && message.event !== undefined) {
      this.onEvent(message.event);
      return;
    }
    if (message?.kind === 'leader' && typeof (message as { leaderId?: unknown }).leaderId === 'string') {
      this.leaderAnnounced((message as { leaderId: string }).leaderId);
      return;
    }
    if (message?.kind !== 'result' || message.to !== this.tabId || typeof message.id !== 'number') return;
    const call = this.pending.get(message.id);
    if (call === undefined) return;
    this.pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.ok === true) call.resolve(message.value);
    else call.reject(isWireParleyError(message.error) ? deserializeParleyError(message.error) : new ParleyError('request_failed', 'the engine failed'));
  }
}
