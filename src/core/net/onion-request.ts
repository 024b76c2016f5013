/**
 * One storage RPC to one service node through a 3-hop onion path (network-protocol.md §4), with
 * the bookkeeping each outcome calls for (§4.5) and every failure turned into a coded error BY
 * CODE: the relay's X-Parley-Relay-Error, the guard's HTTP status, the destination's own status.
 * The only text read is "Next node not found: <ed>", which is the storage server's wire contract.
 * One attempt only: retrying is retry.ts's job.
 */
import { ParleyError } from '../../shared/errors.ts';
import { throwIfAborted } from './abort.ts';
import { destinationError, nodeNotFound, subRequestFailure } from './destination-errors.ts';
import type { NetworkProfile } from './network-profile.ts';
import { serverTimeOf, type NetworkTime } from './network-time.ts';
import { onionExchange, type ExchangeOutcome, type SnodeRpc } from './onion-exchange.ts';
import type { PathManager } from './paths.ts';
import { checkSnode, isObject, shortNode } from './snode-records.ts';
import type { SnodePool } from './snode-pool.ts';
import type { RelayTransport } from './transport.ts';
import type { OnionPath, Snode } from './types.ts';

export type { SnodeRpc } from './onion-exchange.ts';

export interface SendOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
  /** Guards whose paths already failed this request (from `path_failed` details): tried last. */
  readonly avoidGuards?: ReadonlySet<string> | undefined;
}

/** A successful answer: status 2xx, body parsed as JSON (or the text when it is not JSON). */
export interface SnodeAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface OnionRequesterOptions {
  readonly profile: NetworkProfile;
  readonly transport: Pick<RelayTransport, 'postOnion'>;
  readonly pool: SnodePool;
  readonly paths: PathManager;
  readonly time: NetworkTime;
  readonly log?: (line: string) => void;
  /** A request went through `path` and reached `target` (the network view shows the last one). */
  readonly onDelivered?: (path: OnionPath, target: Snode) => void;
}

const MULTI_METHODS = new Set(['batch', 'sequence']);

/** The wait when the relay says to slow down but gives no Retry-After. */
const RELAY_BUSY_DEFAULT_WAIT_MS = 1_000;

export class OnionRequester {
  private readonly log: (line: string) => void;

  constructor(private readonly options: OnionRequesterOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /**
   * Sends `rpc` to `target` through a path that does not contain it. Resolves with a 2xx answer;
   * for batch/sequence every sub-request must have succeeded too, else the first failure is thrown
   * as if the node had answered it alone.
   */
  async sendToSnode(target: Snode, rpc: SnodeRpc, options: SendOptions = {}): Promise<SnodeAnswer> {
    const { signal } = options;
    checkSnode(target, 'target');
    if (!isObject(rpc) || typeof rpc.method !== 'string' || rpc.method === '' || !isObject(rpc.params)) {
      throw new ParleyError('invalid_argument', 'rpc must be {method: string, params: object}', { param: 'rpc', problem: 'type' });
    }
    throwIfAborted(signal);
    const path = await this.options.paths.pathFor(target.ed25519Hex, options.avoidGuards ?? new Set(), signal);
    const outcome = await onionExchange(this.options.transport, {
      path,
      target,
      rpc,
      timeoutMs: options.timeoutMs ?? this.options.profile.rpcTimeoutMs,
      signal,
    });
    if (outcome.kind !== 'reply') throw await this.pathFailure(path, target, outcome);
    // The path delivered, whatever the destination said.
    this.options.paths.reportSuccess(path);
    this.options.onDelivered?.(path, target);

    const body = parseBody(outcome.body);
    this.options.time.record(serverTimeOf(body));
    const failure =
      outcome.status >= 200 && outcome.status <= 299
        ? MULTI_METHODS.has(rpc.method)
          ? subRequestFailure(body)
          : undefined
        : { status: outcome.status, body };
    const { pool } = this.options;
    if (failure === undefined) {
      pool.resetFailures(target.ed25519Hex);
      return { status: outcome.status, body };
    }
    const error = destinationError(failure.status, failure.body, target, nextHops(path, target));
    if (error.code === 'snode_unavailable') await pool.recordFailure(target.ed25519Hex);
    else pool.resetFailures(target.ed25519Hex);
    if (error.code === 'snode_not_found') await pool.drop(String(error.details['node']));
    this.log(`net: ${rpc.method} → ${shortNode(target.ed25519Hex)}: ${error.code} (${failure.status})`);
    throw error;
  }

  /** No answer from the destination: whom to blame, and the coded error for the retry policy. */
  private async pathFailure(
    path: OnionPath,
    target: Snode,
    outcome: Exclude<ExchangeOutcome, { kind: 'reply' }>,
  ): Promise<ParleyError> {
    const { paths, pool } = this.options;
    const guard = path[0].ed25519Hex;
    const failed = (reason: string, extra: Record<string, number> = {}) =>
      new ParleyError('path_failed', 'the onion path did not deliver the request', {
        guard,
        target: target.ed25519Hex,
        reason,
        ...extra,
      });
    this.log(`net: path via ${shortNode(guard)}: ${outcome.kind === 'path_error' ? (outcome.relayError ?? outcome.status) : outcome.kind}`);

    if (outcome.kind === 'timeout' || outcome.kind === 'bad_reply' || outcome.kind === 'too_large') {
      // Silence, garbage or an oversized answer may come from any hop, the target included: every
      // suspect is counted (desktop counts only the path); counts are of consecutive failures, so the
      // innocent are cleared by their next success.
      await paths.reportFailure(path);
      await pool.recordFailure(target.ed25519Hex);
      return outcome.kind === 'too_large' ? failed('answer_too_large', { length: outcome.length }) : failed(outcome.kind);
    }
    switch (outcome.relayError) {
      case undefined:
        break;
      case 'node_unreachable':
      case 'node_timeout':
        await paths.reportFailure(path, { guardDown: true });
        return failed(outcome.relayError);
      case 'rate_limited':
      case 'relay_busy':
        // The relay is pacing this client, not judging the path: nobody is blamed, the request waits.
        return new ParleyError('relay_busy', 'the relay asks to slow down', {
          reason: outcome.relayError,
          retryAfterMs: outcome.retryAfterMs ?? RELAY_BUSY_DEFAULT_WAIT_MS,
        });
      case 'unknown_node':
        // The relay does not know the guard: it has left the network.
        await pool.drop(guard);
        return new ParleyError('snode_not_found', 'the relay does not know this guard', { node: guard });
      default:
        return new ParleyError('request_failed', 'the relay refused the request', { reason: outcome.relayError, status: outcome.status });
    }
    const missing = outcome.status === 502 ? nodeNotFound(outcome.text) : undefined;
    if (missing !== undefined && nextHops(path, target).has(missing)) {
      await pool.drop(missing);
      return new ParleyError('snode_not_found', 'a node on the way does not exist', { node: missing });
    }
    if (missing !== undefined) {
      // No hop of this path would look that node up: the guard (or a hop behind it) names a bystander,
      // which would evict any node it likes. Counted against the path and the guard; the node stays.
      this.log(`net: path via ${shortNode(guard)} claims ${shortNode(missing)} is not found, which is on no hop's way: ignored`);
      await paths.reportFailure(path);
      await pool.recordFailure(guard);
      return failed('foreign_node_not_found');
    }
    await paths.reportFailure(path);
    // 504 "Request time out": some hop after the guard, the target included, did not answer in time.
    if (outcome.status === 504) await pool.recordFailure(target.ed25519Hex);
    return failed('status', { status: outcome.status });
  }
}

/**
 * The nodes a hop of this request looks up, so the only ones a "Next node not found" may name: the
 * guard looks up the second hop, each relay the next, the last relay the target (§4.3).
 */
function nextHops(path: OnionPath, target: Snode): ReadonlySet<string> {
  return new Set([...path.slice(1).map((node) => node.ed25519Hex), target.ed25519Hex]);
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
