/**
 * What a destination's own status means (network-protocol.md §2.3, §3.5, §4.5): the status inside
 * the encrypted reply, or a `results[i].code` of a batch/sequence. One place turns each into a coded
 * error; the retry policy (retry.ts) reacts to the code.
 */
import { ParleyError } from '../../shared/errors.ts';
import { parseSwarmSnodes } from './snode-records.ts';
import type { Snode } from './types.ts';

/** The storage server's own relay error, the one body text that is part of the wire contract (§4.3). */
export const NEXT_NODE_NOT_FOUND = 'Next node not found: ';

/** 421: the node is not in the account's swarm; it named the right one (`swarm`, maybe empty). */
export class WrongSwarmError extends ParleyError {
  constructor(
    readonly swarm: readonly Snode[],
    answeredBy: string,
  ) {
    super('wrong_swarm', 'the node is not in this account’s swarm', { node: answeredBy, members: swarm.length });
  }
}

/**
 * The coded error for a destination status that is not a success. A "Next node not found" counts
 * only for a node in `mayBeMissing` (the nodes the request's hops look up); naming any other node,
 * the answer is read by its status alone, so no node can make us evict another.
 */
export function destinationError(status: number, body: unknown, target: Snode, mayBeMissing: ReadonlySet<string>): ParleyError {
  const node = target.ed25519Hex;
  if (status === 421) return new WrongSwarmError(parseSwarmSnodes(body) ?? [], target.ed25519Hex);
  if (status === 406 || status === 425) {
    return new ParleyError('clock_out_of_sync', 'the node refused our timestamp', { node, status });
  }
  const missing = nodeNotFound(body);
  if (missing !== undefined && mayBeMissing.has(missing)) {
    return new ParleyError('snode_not_found', 'a node named on the way does not exist', { node: missing });
  }
  if (status === 429 || (status >= 500 && status <= 599)) {
    return new ParleyError('snode_unavailable', 'the node could not serve the request', { node, status });
  }
  return new ParleyError('request_failed', 'the node refused the request', { node, status });
}

/**
 * The first failing sub-request of a batch/sequence answer (a sequence stops at it), or undefined
 * when every one succeeded.
 */
export function subRequestFailure(body: unknown): { status: number; body: unknown } | undefined {
  const results = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['results'] : undefined;
  if (!Array.isArray(results)) return { status: 502, body: 'no results' };
  for (const result of results as unknown[]) {
    const entry = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
    const code = entry['code'];
    if (typeof code !== 'number' || code < 200 || code > 299) {
      return { status: typeof code === 'number' ? code : 502, body: entry['body'] };
    }
  }
  return undefined;
}

/** The Ed25519 key in a "Next node not found: <ed>" text, lower-cased; undefined for any other text. */
export function nodeNotFound(text: unknown): string | undefined {
  if (typeof text !== 'string' || !text.startsWith(NEXT_NODE_NOT_FOUND)) return undefined;
  const key = text.slice(NEXT_NODE_NOT_FOUND.length).trim();
  return /^[0-9a-fA-F]{64}$/.test(key) ? key.toLowerCase() : undefined;
}
