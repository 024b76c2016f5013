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
 *
 * Any script on the origin can post on the channel, and nothing says who posted (BroadcastChannel
 * has no sender). So each side takes only messages that match a shape of src/shared/tab-channel.ts,
 * a follower takes results and events only under the id of the leader it knows, and whatever is
 * dropped is counted (`status().tabChannel`). Nothing posted on the channel can make a listener
 * throw: a result that cannot be cloned goes out as an `internal` error instead. What a forger
 * can still do — call the forwardable methods, feed the UI well-formed events — is in
 * docs/SECURITY.md.
 */
import { isParleyError, ParleyError } from '../shared/errors.ts';
import type { CoreEvent, TabChannelStats } from './api.ts';
import { isCallMessage, isPlainData, parseTabMessage, type CallMessage, type HelloMessage, type LeaderMessage, type ResultMessage } from '../shared/tab-channel.ts';
import { isForwardable, isRepeatable } from './call-policy.ts';
import { deserializeParleyError, serializeParleyError } from './errors-transfer.ts';

/** The channel surface used here (BroadcastChannel in workers and in Node). */
export interface Channel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

type Call = CallMessage;
type Result = ResultMessage;

/** Which methods may cross the channel, and which may run again on a new leader. */
export interface ForwardingPolicy {
  forwardable(method: string): boolean;
  repeatable(method: string): boolean;
}

/** The Core API's policy (call-policy.ts). */
export const CORE_FORWARDING: ForwardingPolicy = { forwardable: isForwardable, repeatable: isRepeatable };

/** Every Core event type, so a follower hands its UI no other (a new type does not compile until listed). */
const CORE_EVENT_TYPES: { readonly [T in CoreEvent['type']]: true } = {
  account: true,
  message_added: true,
  message_changed: true,
  messages_removed: true,
  attachment_progress: true,
  message_status: true,
  conversation: true,
  network: true,
  outbox: true,
  preferences: true,
};

function isCoreEvent(event: unknown): event is CoreEvent {
  const type = (event as { type?: unknown }).type;
  return typeof type === 'string' && Object.hasOwn(CORE_EVENT_TYPES, type);
}

/** How long a follower waits for the leader (a restore that fetches the swarm can take a while). */
export const FORWARD_TIMEOUT_MS = 60_000;

/** Calls remembered by the leader so a re-posted copy is not run twice (oldest forgotten first). */
const REMEMBERED_CALLS = 1_000;

/**
 * What this worker dropped from the channel, for `status().tabChannel`. One per worker: its
 * follower side and, once it leads, its leader side count into the same one.
 */
export class TabChannelCounter {
  private malformed = 0;
  private unexpected = 0;

  /** Matched no message shape of src/shared/tab-channel.ts. */
  countMalformed(): void {
    this.malformed++;
  }

  /** Well-formed, but not for this side: a result or event from another leader id, an answer to no waiting call, a leader's message heard by a leader. */
  countUnexpected(): void {
    this.unexpected++;
  }

  stats(): TabChannelStats {
    return { malformed: this.malformed, unexpected: this.unexpected };
  }
}

/** Posts, and says whether it went out: a value a structured clone refuses (DataCloneError) never throws past here. */
function post(channel: Channel, message: unknown): boolean {
  try {
    channel.postMessage(message);
    return true;
  } catch {
    return false;
  }
}

/** Runs a channel listener's work: a bug of ours on a strange message is logged, never thrown into the channel's dispatch. */
function guarded(work: () => void): void {
  try {
    work();
  } catch (error) {
    console.error('a message on the tabs\' channel could not be handled', error);
  }
}

export interface ServeOptions {
  readonly policy?: ForwardingPolicy;
  /** This leader's id on the channel (a fresh UUID unless a test names it). */
  readonly leaderId?: string;
  readonly counter?: TabChannelCounter;
}

export interface ForwardingLeader {
  readonly leaderId: string;
  /** Posts one Core event to every follower, under this leader's id. */
  broadcast(event: CoreEvent): void;
  /** Stops answering (the tab is closing, or a test's leader goes away). */
  stop(): void;
}

/**
 * The leader's side: answers calls with `target`, posts its events through `broadcast`, and
 * announces itself so followers re-post calls nobody heard.
 */
export function serveForwardedCalls(channel: Channel, target: object, options: ServeOptions = {}): ForwardingLeader {
  const policy = options.policy ?? CORE_FORWARDING;
  const leaderId = options.leaderId ?? crypto.randomUUID();
  const counter = options.counter ?? new TabChannelCounter();
  const received = new Set<string>();
  const announce = () => post(channel, { kind: 'leader', leaderId } satisfies LeaderMessage);
  const listener = (event: { data: unknown }) => guarded(() => {
    const message = parseTabMessage(event.data);
    if (message === undefined) {
      counter.countMalformed();
      return;
    }
    if (message.kind === 'hello') {
      announce();
      return;
    }
    if (message.kind !== 'call') {
      // Results, events and announcements come from a leader, and this worker is the only one.
      counter.countUnexpected();
      return;
    }
    const key = `${message.from}\u0000${message.id}`;
    if (received.has(key)) return;
    received.add(key);
    if (received.size > REMEMBERED_CALLS) received.delete(received.values().next().value!);
    void answer(channel, target, policy, leaderId, message);
  });
  channel.addEventListener('message', listener);
  announce();
  return {
    leaderId,
    broadcast: (event) => {
      // Core events are plain data; should one ever not clone, the followers miss it and the leader goes on.
      if (!post(channel, { kind: 'event', leaderId, event })) console.error('a Core event could not be posted to the other tabs', event.type);
    },
    stop: () => channel.removeEventListener('message', listener),
  };
}

async function answer(channel: Channel, target: object, policy: ForwardingPolicy, leaderId: string, call: Call): Promise<void> {
  const reply = { kind: 'result', id: call.id, to: call.from, leaderId } as const;
  let result: Result;
  try {
    const method = policy.forwardable(call.method) ? (target as Record<string, unknown>)[call.method] : undefined;
    if (typeof method !== 'function') {
      throw new ParleyError('invalid_argument', `no such Core API method: ${call.method}`, { param: 'method', problem: 'value' });
    }
    const value: unknown = await (method as (...args: unknown[]) => unknown).apply(target, call.args);
    if (!isPlainData(value)) throw new ParleyError('internal', `${call.method} answered with a value that cannot cross the tabs' channel`, { method: call.method });
    result = { ...reply, ok: true, value };
  } catch (error) {
    const coded = isParleyError(error) ? error : new ParleyError('request_failed', 'the engine failed to answer');
    result = { ...reply, ok: false, error: serializeParleyError(coded) };
  }
  if (post(channel, result)) return;
  // A value that looked like plain data and still did not clone (a Proxy, say): the follower gets a code, not silence.
  const refused = new ParleyError('internal', `${call.method} answered with a value that cannot cross the tabs' channel`, { method: call.method });
  if (!post(channel, { ...reply, ok: false, error: serializeParleyError(refused) } satisfies Result)) {
    console.error('an answer could not be posted to the other tabs', call.method);
  }
}

export interface FollowOptions {
  readonly timeoutMs?: number;
  readonly policy?: ForwardingPolicy;
  readonly counter?: TabChannelCounter;
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
  private readonly timeoutMs: number;
  private readonly policy: ForwardingPolicy;
  private readonly counter: TabChannelCounter;
  private readonly listener = (event: { data: unknown }) => guarded(() => this.received(event.data));

  constructor(
    private readonly channel: Channel,
    private readonly tabId: string,
    private readonly onEvent: (event: CoreEvent) => void,
    options: FollowOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? FORWARD_TIMEOUT_MS;
    this.policy = options.policy ?? CORE_FORWARDING;
    this.counter = options.counter ?? new TabChannelCounter();
    channel.addEventListener('message', this.listener);
    post(channel, { kind: 'hello' } satisfies HelloMessage);
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
    const call: Call = { kind: 'call', id, from: this.tabId, method, args };
    // The leader would drop a call that is not plain data; say so now rather than time out.
    if (!isCallMessage(call) || !post(this.channel, call)) {
      return Promise.reject(new ParleyError('invalid_argument', `${method}'s arguments cannot cross the tabs' channel`, { param: 'args', problem: 'value' }));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ParleyError('leader_unavailable', 'no open tab answered for the engine', { method }));
      }, this.timeoutMs);
      this.pending.set(id, { call, postedUnder: this.knownLeader, resolve, reject, timer });
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
      post(this.channel, pending.call);
    }
  }

  private received(data: unknown): void {
    const message = parseTabMessage(data);
    if (message === undefined) {
      this.counter.countMalformed();
      return;
    }
    switch (message.kind) {
      case 'leader':
        this.leaderAnnounced(message.leaderId);
        return;
      case 'event':
        if (message.leaderId !== this.knownLeader) this.counter.countUnexpected();
        else if (!isCoreEvent(message.event)) this.counter.countMalformed();
        else this.onEvent(message.event);
        return;
      case 'result':
        this.resultReceived(message);
        return;
      default:
        // Other tabs' calls and hellos: for the leader, not for a follower.
        return;
    }
  }

  private resultReceived(result: Result): void {
    if (result.to !== this.tabId) return; // another tab's answer: every tab hears every answer
    const pending = this.pending.get(result.id);
    if (result.leaderId !== this.knownLeader || pending === undefined) {
      this.counter.countUnexpected();
      return;
    }
    this.pending.delete(result.id);
    clearTimeout(pending.timer);
    if (result.ok) pending.resolve(result.value);
    else pending.reject(deserializeParleyError(result.error));
  }
}
