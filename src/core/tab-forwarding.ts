/**
 * Several open tabs, one engine. Every tab has its own worker, but only the worker that holds the
 * leader lock (tab-leadership.ts) runs the Core; the others forward each Core API call to it over a
 * BroadcastChannel and hand its events to their own UI. So two tabs never poll or send twice, and
 * secret keys live in one worker only.
 *
 * Wire messages on the channel (structured clone):
 *   { kind: 'call', id, from, method, args }      a follower asks the leader
 *   { kind: 'result', id, to, ok, value | error } the leader answers that follower
 *   { kind: 'event', event }                      the leader's Core events, for every follower
 */
import { isParleyError, ParleyError } from '../../wasm/errors.ts';
import type { CoreEvent } from './api.ts';
import { deserializeParleyError, isWireParleyError, serializeParleyError, type WireParleyError } from './errors-transfer.ts';

/** The channel surface used here (BroadcastChannel in workers and in Node). */
export interface Channel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

type Call = { kind: 'call'; id: number; from: string; method: string; args: unknown[] };
type Result =
  | { kind: 'result'; id: number; to: string; ok: true; value: unknown }
  | { kind: 'result'; id: number; to: string; ok: false; error: WireParleyError };

type EventMessage = { kind: 'event'; event: CoreEvent };

/** How long a follower waits for the leader (a restore that fetches the swarm can take a while). */
export const FORWARD_TIMEOUT_MS = 60_000;

/** The leader's side: answers calls with `target` and broadcasts its events. Returns a stop function. */
export function serveForwardedCalls(channel: Channel, target: object): () => void {
  const listener = (event: { data: unknown }) => {
    const message = event.data as Partial<Call>;
    if (message?.kind !== 'call' || typeof message.method !== 'string' || !Array.isArray(message.args)) return;
    void answer(channel, target, message as Call);
  };
  channel.addEventListener('message', listener);
  return () => channel.removeEventListener('message', listener);
}

export function broadcastEvent(channel: Channel, event: CoreEvent): void {
  channel.postMessage({ kind: 'event', event } satisfies EventMessage);
}

async function answer(channel: Channel, target: object, call: Call): Promise<void> {
  const method = (target as Record<string, unknown>)[call.method];
  let result: Result;
  try {
    if (typeof method !== 'function' || call.method === 'subscribe' || call.method === 'unsubscribe') {
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
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly listener = (event: { data: unknown }) => this.received(event.data);

  constructor(
    private readonly channel: Channel,
    private readonly tabId: string,
    private readonly onEvent: (event: CoreEvent) => void,
    private readonly timeoutMs = FORWARD_TIMEOUT_MS,
  ) {
    channel.addEventListener('message', this.listener);
  }

  call(method: string, args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ParleyError('leader_unavailable', 'no open tab answered for the engine', { method }));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.channel.postMessage({ kind: 'call', id, from: this.tabId, method, args } satisfies Call);
    });
  }

  /** Stops listening; calls still waiting fail with `leader_unavailable` (e.g. this tab just became the leader). */
  close(): void {
    this.channel.removeEventListener('message', this.listener);
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(new ParleyError('leader_unavailable', 'the engine moved to this tab; try again'));
      this.pending.delete(id);
    }
  }

  private received(data: unknown): void {
    const message = data as { kind?: unknown; event?: CoreEvent; id?: unknown; to?: unknown; ok?: unknown; value?: unknown; error?: unknown } | null;
    if (message?.kind === 'event' && message.event !== undefined) {
      this.onEvent(message.event);
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
