/**
 * The two oxend RPC endpoints a storage node proxies (`oxend_request`): `get_service_nodes`,
 * answered from the devnet's node list in oxend's shape (oxen-core `GET_SERVICE_NODES`), and
 * `ons_resolve`, which finds nothing because the devnet has no name registrations.
 * The seed node can use `getServiceNodes` for its `get_n_service_nodes` too.
 */
import { createHash } from 'node:crypto';
import { formatSwarmId } from '../../wasm/swarm.ts';
import { isHex } from './encoding.ts';
import { isJsonObject, type Json, type JsonObject } from './json.ts';
import type { NodeRecord } from './types.ts';

export interface OxendContext {
  readonly nodes: readonly NodeRecord[];
  /** The top block height. */
  readonly height: number;
  /** `[hardfork, snode_revision]`, the `hf` of storage replies. */
  readonly hardfork: readonly [number, number];
  readonly storageVersion: readonly [number, number, number];
  /** For `limit`'s random choice; Math.random unless a test fixes it. */
  readonly random?: () => number;
  /** Seconds since the epoch, for `last_uptime_proof`. */
  readonly nowSeconds: number;
}

/** oxend's answer: a result object, or the error text the storage node passes on (HTTP 400). */
export type OxendAnswer = { readonly result: JsonObject } | { readonly error: string };

/** Atomic units per OXEN. The figures are plausible constants, not chain data. */
const STAKING_REQUIREMENT = 15_000_000_000_000;
const FULL_OPERATOR_PORTIONS = 18446744073709551612n;

export function oxendRequest(endpoint: 'get_service_nodes' | 'ons_resolve', params: Json | undefined, ctx: OxendContext): OxendAnswer {
  return endpoint === 'get_service_nodes' ? getServiceNodes(params, ctx) : onsResolve(params);
}

/** Deterministic stand-in for the top block's hash. */
export function blockHash(height: number): string {
  return createHash('sha256').update(`parley-devnet-block:${height}`).digest('hex');
}

export function getServiceNodes(params: Json | undefined, ctx: OxendContext): OxendAnswer {
  const p: JsonObject = params === undefined || params === null ? {} : isJsonObject(params) ? params : {};
  if (params !== undefined && params !== null && !isJsonObject(params)) return { error: 'Invalid params: expected an object' };

  const activeOnly = p.active_only ?? false;
  if (typeof activeOnly !== 'boolean') return { error: "Invalid value for 'active_only': expected boolean" };
  const limit = p.limit ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit)) return { error: "Invalid value for 'limit': expected integer" };
  const fields = requestedFields(p.fields);
  if (typeof fields === 'string') return { error: fields };
  const pubkeys = p.service_node_pubkeys ?? [];
  if (!Array.isArray(pubkeys) || !pubkeys.every((k) => typeof k === 'string' && k.length === 64 && isHex(k))) {
    return { error: "Invalid value for 'service_node_pubkeys': expected a list of hex public keys" };
  }
  const pollHash = p.poll_block_hash ?? '';
  if (typeof pollHash !== 'string') return { error: "Invalid value for 'poll_block_hash': expected string" };

  const wanted = (key: string) => isRequested(fields, key);
  const top = blockHash(ctx.height);
  const result: JsonObject = { status: 'OK' };
  if (wanted('height')) result.height = ctx.height;
  if (wanted('target_height')) result.target_height = ctx.height + 1;
  if (wanted('hardfork')) result.hardfork = ctx.hardfork[0];
  if (wanted('snode_revision')) result.snode_revision = ctx.hardfork[1];
  if (wanted('block_hash')) result.block_hash = top;
  if (pollHash !== '') {
    result.unchanged = pollHash.toLowerCase() === top;
    if (result.unchanged) return { result };
    result.block_hash = top;
  }

  const only = new Set((pubkeys as string[]).map((k) => k.toLowerCase()));
  // Every devnet node is registered and active; `active_only` therefore keeps them all.
  let chosen = ctx.nodes.filter((n) => only.size === 0 || only.has(n.ed25519Hex));
  chosen = applyLimit(chosen, limit, ctx.random ?? Math.random);
  result.service_node_states = chosen.map((node) => nodeState(node, ctx, wanted));
  return { result };
}

/** `undefined` = every field; a set of names; or an error text. */
function requestedFields(fields: Json | undefined): Set<string> | undefined | string {
  if (fields === undefined || fields === null) return undefined;
  const names = new Set<string>();
  if (isJsonObject(fields)) {
    // The deprecated {"field": true} form; "all" there means everything, whatever else is listed.
    for (const [name, on] of Object.entries(fields)) {
      if (typeof on !== 'boolean') return "Invalid value for 'fields': expected a list of field names";
      if (!on) continue;
      if (name === 'all') return undefined;
      names.add(name);
    }
    return names;
  }
  const list = typeof fields === 'string' ? [fields] : fields;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) {
    return "Invalid value for 'fields': expected a list of field names";
  }
  for (const name of list as string[]) names.add(name);
  return names.size === 1 && names.has('all') ? undefined : names;
}

function isRequested(fields: Set<string> | undefined, key: string): boolean {
  if (fields === undefined || fields.size === 0) return true;
  return fields.has('all') ? !fields.has('-' + key) : fields.has(key);
}

/** oxend: a negative limit, or one at least the list size, shuffles everything; a positive one picks that many. */
function applyLimit(nodes: NodeRecord[], limit: number, random: () => number): NodeRecord[] {
  if (limit === 0) return nodes;
  const out = [...nodes];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return limit > 0 && limit < nodes.length ? out.slice(0, limit) : out;
}

function nodeState(node: NodeRecord, ctx: OxendContext, wanted: (key: string) => boolean): JsonObject {
  const all: JsonObject = {
    service_node_pubkey: node.ed25519Hex,
    registration_height: 1,
    registration_hf_version: ctx.hardfork[0],
    requested_unlock_height: 0,
    last_reward_block_height: 1,
    last_reward_transaction_index: 0,
    active: true,
    funded: true,
    state_height: 1,
    earned_downtime_blocks: 0,
    decommission_count: 0,
    total_contributed: STAKING_REQUIREMENT,
    staking_requirement: STAKING_REQUIREMENT,
    portions_for_operator: FULL_OPERATOR_PORTIONS,
    operator_fee: 1_000_000,
    swarm_id: node.swarmId,
    swarm: formatSwarmId(node.swarmId),
    service_node_version: [11, 0, 0],
    storage_server_version: [...ctx.storageVersion],
    public_ip: node.ip,
    storage_port: node.httpsPort,
    storage_lmq_port: node.omqPort,
    pubkey_ed25519: node.ed25519Hex,
    pubkey_x25519: node.x25519Hex,
    last_uptime_proof: ctx.nowSeconds,
    storage_server_reachable: true,
  };
  const state: JsonObject = {};
  for (const [key, value] of Object.entries(all)) if (wanted(key)) state[key] = value;
  return state;
}

/**
 * The devnet registers no names, so every well-formed lookup finds nothing: oxend then answers
 * without `encrypted_value`, which clients read as "no such name".
 */
function onsResolve(params: Json | undefined): OxendAnswer {
  if (!isJsonObject(params)) return { error: "Invalid params: 'name_hash' and 'type' are required" };
  const { name_hash: nameHash, type } = params;
  if (typeof nameHash !== 'string' || typeof type !== 'number' || !Number.isInteger(type)) {
    return { error: "Invalid params: 'name_hash' and 'type' are required" };
  }
  return { result: {} };
}
