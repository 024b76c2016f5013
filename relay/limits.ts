/**
 * Every number that bounds what one client can make the relay do, in one place (docs/relay.md,
 * "Limits", says why each is what it is). Those the app must know too — the request caps, the node
 * timeout — come from the wire contract, src/shared/relay-api.ts. Tests pass smaller numbers.
 */
import { MAX_LARGE_ONION_REQUEST_BYTES, MAX_NODE_ANSWER_BYTES, MAX_ONION_REQUEST_BYTES, MAX_SEED_REQUEST_BYTES, NODE_TIMEOUT_MS } from '../src/shared/relay-api.ts';

export interface RelayLimits {
  /** A client must have sent its request headers within this (Node's default: 60 s). */
  readonly headersTimeoutMs: number;
  /** …and its whole request, body included, within this (Node's default: 300 s). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** A connection with no traffic either way for this long is closed (a client that stops reading its answer). */
  readonly idleSocketTimeoutMs: number;
  /** How often Node looks for connections past the two request timeouts (its default, 30 s, would add to them). */
  readonly timeoutCheckIntervalMs: number;

  /** Forwarding requests one client address may make at once, without waiting (the token bucket's size)… */
  readonly clientBurst: number;
  /** …and how many it earns back per second. */
  readonly clientRefillPerSecond: number;
  /** Forwarding requests one client address may have in flight at once. */
  readonly clientMaxConcurrent: number;
  /** Client addresses remembered at most; idle ones (a full bucket, nothing in flight) are forgotten first. */
  readonly maxTrackedClients: number;

  /**
   * The large-onion route (attachment uploads) also has its own bucket and in-flight cap per client,
   * on top of the one above: each of its requests may make the relay hold 10 MiB.
   */
  readonly largeClientBurst: number;
  readonly largeClientRefillPerSecond: number;
  readonly largeClientMaxConcurrent: number;

  /** Request body caps per route (413 above). */
  readonly onionRequestBytes: number;
  readonly largeOnionRequestBytes: number;
  readonly seedRequestBytes: number;
  /** Answer caps per upstream: the relay stops reading and hangs up above them. */
  readonly nodeAnswerBytes: number;
  readonly seedAnswerBytes: number;
  /** Node answers held by the whole relay at once, all clients together (above: 503 relay_busy). */
  readonly bufferedAnswerBytes: number;
  /** How long the relay waits for a guard's (the whole path's) answer, and for a seed's. */
  readonly nodeTimeoutMs: number;
  readonly seedTimeoutMs: number;
  /** An address the relay does not know makes it ask the seeds again at most this often. */
  readonly directoryRefreshIntervalMs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleSocketTimeoutMs: NODE_TIMEOUT_MS + 20_000,
  timeoutCheckIntervalMs: 1_000,

  clientBurst: 200,
  clientRefillPerSecond: 50,
  clientMaxConcurrent: 32,
  maxTrackedClients: 10_000,
  largeClientBurst: 10,
  largeClientRefillPerSecond: 0.2,
  largeClientMaxConcurrent: 3,

  onionRequestBytes: MAX_ONION_REQUEST_BYTES,
  largeOnionRequestBytes: MAX_LARGE_ONION_REQUEST_BYTES,
  seedRequestBytes: MAX_SEED_REQUEST_BYTES,
  nodeAnswerBytes: MAX_NODE_ANSWER_BYTES,
  seedAnswerBytes: 4 * 1024 * 1024,
  bufferedAnswerBytes: 256 * 1024 * 1024,
  nodeTimeoutMs: NODE_TIMEOUT_MS,
  seedTimeoutMs: 5_000,
  directoryRefreshIntervalMs: 10_000,
};

/**
 * Connections to one service node at once, for all relays of the process (one keep-alive pool,
 * https-post.ts): requests past it wait for a free connection, so one busy guard cannot make the
 * relay open sockets without end.
 */
export const UPSTREAM_SOCKETS_PER_NODE = 16;

/** The defaults with some numbers replaced, checked so that a typo cannot switch a limit off. */
export function relayLimits(overrides: Partial<RelayLimits> = {}): RelayLimits {
  const limits = { ...DEFAULT_RELAY_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`relay limit ${name} must be a positive number, got ${value}`);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) throw new Error('relay limit headersTimeoutMs must not exceed requestTimeoutMs');
  if (limits.idleSocketTimeoutMs <= limits.nodeTimeoutMs) {
    // The client's connection is idle while the relay waits for the guard: it must outlive that wait.
    throw new Error('relay limit idleSocketTimeoutMs must exceed nodeTimeoutMs');
  }
  return limits;
}
