/**
 * Swarm ids of a devnet: `count` swarms spread evenly over the u64 ring, swarm k at
 * k · ⌊2^64 / count⌋ (so swarm 0 sits at 0, and two swarms sit at 0 and 2^63). Node i joins
 * swarm i mod count, round-robin, so swarm sizes differ by at most one.
 */
import { ParleyError } from '../../src/shared/errors.ts';
import { checkInteger } from '../../wasm/check.ts';

const RING = 1n << 64n;

export function evenSwarmIds(count: number): bigint[] {
  checkInteger(count, 'count', 1, 1_000_000);
  const step = RING / BigInt(count);
  return Array.from({ length: count }, (_, k) => BigInt(k) * step);
}

export function swarmOfNode(index: number, swarmIds: readonly bigint[]): bigint {
  checkInteger(index, 'index', 0);
  const id = swarmIds[index % swarmIds.length];
  if (id === undefined) throw new ParleyError('invalid_argument', 'swarmIds is empty', { param: 'swarmIds', problem: 'length' });
  return id;
}
