/**
 * Swarms as a storage node sees them: which swarm stores an account, who its members are, and
 * the JSON a node gives for a swarm (the `get_swarm` reply, and the body of a 421).
 * The swarm list is whatever the network currently lists, so a node follows swarm changes.
 */
import { formatSwarmId, INVALID_SWARM_ID, nearestSwarm } from '../../wasm/swarm.ts';
import { bytesOfHex, zbase32 } from './encoding.ts';
import type { JsonObject } from './json.ts';
import type { NodeRecord } from './types.ts';

/** The distinct real swarm ids of the network, in no particular order. */
export function swarmIds(nodes: readonly NodeRecord[]): bigint[] {
  const ids = new Set<bigint>();
  for (const node of nodes) if (node.swarmId !== INVALID_SWARM_ID) ids.add(node.swarmId);
  return [...ids];
}

/** The swarm that stores `accountHex` (66 hex digits), or `undefined` when no swarm exists. */
export function swarmFor(nodes: readonly NodeRecord[], accountHex: string): bigint | undefined {
  const ids = swarmIds(nodes);
  return ids.length === 0 ? undefined : nearestSwarm(ids, accountHex);
}

export function swarmMembers(nodes: readonly NodeRecord[], swarmId: bigint): NodeRecord[] {
  return nodes.filter((node) => node.swarmId === swarmId);
}

/**
 * `{"snodes":[…],"swarm":"<hex>"}` for a swarm, or the server's "no swarm" form
 * `{"snodes":[],"swarm":"ffffffffffffffff"}`. The caller adds `t` and `hf`.
 */
export function swarmJson(nodes: readonly NodeRecord[], swarmId: bigint | undefined): JsonObject {
  if (swarmId === undefined) return { snodes: [], swarm: formatSwarmId(INVALID_SWARM_ID) };
  return { snodes: swarmMembers(nodes, swarmId).map(snodeJson), swarm: formatSwarmId(swarmId) };
}

/**
 * One swarm member. The devnet's nodes have no separate legacy (primary) key: their Ed25519 key
 * stands in for it, as it does for service nodes registered in recent years.
 */
export function snodeJson(node: NodeRecord): JsonObject {
  return {
    address: zbase32(bytesOfHex(node.ed25519Hex)) + '.snode',
    pubkey_legacy: node.ed25519Hex,
    pubkey_x25519: node.x25519Hex,
    pubkey_ed25519: node.ed25519Hex,
    port: String(node.httpsPort),
    port_https: node.httpsPort,
    port_omq: node.omqPort,
    port_quic: node.omqPort,
    ip: node.ip,
  };
}
