/**
 * Per-client limits on the forwarding routes: a token bucket (a burst, then a steady rate) and a cap
 * on requests in flight, both keyed by the client's address. An IPv6 client is keyed by its /64, the
 * block one subscriber gets, so that walking through its own addresses does not buy more requests.
 *
 * The address is the TCP peer's: the relay is meant to face clients itself. Behind a reverse proxy
 * every client would share the proxy's address (docs/relay.md says what to do then).
 */
import { isIPv6 } from 'node:net';

export interface ClientLimits {
  readonly clientBurst: number;
  readonly clientRefillPerSecond: number;
  readonly clientMaxConcurrent: number;
  readonly maxTrackedClients: number;
}

export type Admission =
  | { readonly admitted: true; readonly release: () => void }
  | { readonly admitted: false; readonly reason: 'rate' | 'concurrency'; readonly retryAfterSeconds: number };

interface ClientState {
  tokens: number;
  updatedAt: number;
  inFlight: number;
}

export class ClientLimiter {
  private readonly clients = new Map<string, ClientState>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: ClientLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a token and a slot for `address`, or says why not and when to come back. */
  admit(address: string | undefined): Admission {
    const key = clientKey(address);
    const now = this.clock();
    let state = this.clients.get(key);
    if (state === undefined) {
      this.sweepIfFull(now);
      state = { tokens: this.limits.clientBurst, updatedAt: now, inFlight: 0 };
      this.clients.set(key, state);
    }
    this.refill(state, now);
    if (state.inFlight >= this.limits.clientMaxConcurrent) {
      return { admitted: false, reason: 'concurrency', retryAfterSeconds: 1 };
    }
    if (state.tokens < 1) {
      const seconds = Math.ceil((1 - state.tokens) / this.limits.clientRefillPerSecond);
      return { admitted: false, reason: 'rate', retryAfterSeconds: Math.max(1, seconds) };
    }
    state.tokens -= 1;
    state.inFlight += 1;
    const admitted = state;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        admitted.inFlight -= 1;
      },
    };
  }

  /** Client addresses currently remembered (for tests and the docs' memory bound). */
  get tracked(): number {
    return this.clients.size;
  }

  private refill(state: ClientState, now: number): void {
    const earned = ((now - state.updatedAt) / 1000) * this.limits.clientRefillPerSecond;
    state.tokens = Math.min(this.limits.clientBurst, state.tokens + Math.max(0, earned));
    state.updatedAt = now;
  }

  /** Over the bound, forgets the clients that would start afresh anyway; at most once a second. */
  private sweepIfFull(now: number): void {
    if (this.clients.size < this.limits.maxTrackedClients || now - this.lastSweep < 1_000) return;
    this.lastSweep = now;
    for (const [key, state] of this.clients) {
      this.refill(state, now);
      if (state.inFlight === 0 && state.tokens >= this.limits.clientBurst) this.clients.delete(key);
    }
  }
}

/** The key a client is counted under: its IPv4 address, or its IPv6 /64. */
export function clientKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, `::` filled in (an embedded IPv4 tail counts as two). */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}
