/**
 * Reading service-node records off the wire into `Snode`s: the seed's and oxend's
 * `service_node_states` (network-protocol.md §1.1) and the `snodes` of `get_swarm` and of a 421
 * body (§1.3, §2.3). Entries that do not describe a reachable node are skipped, not fatal:
 * one bad record must not cost the whole list.
 */
import { fromHex } from '../../../wasm/bytes.ts';
import { ParleyError } from '../../shared/errors.ts';
import type { OnionHop } from '../../../wasm/onion/index.ts';
import type { Snode } from './types.ts';

const KEY_HEX = /^[0-9a-fA-F]{64}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A node record from any of the shapes, or undefined when a field is missing or malformed. */
export function snodeFrom(fields: {
  ip: unknown;
  port: unknown;
  ed25519: unknown;
  x25519: unknown;
}): Snode | undefined {
  const { ip, port, ed25519, x25519 } = fields;
  if (typeof ip !== 'string' || ip === '0.0.0.0' || !IPV4.test(ip)) return undefined;
  const portNumber = typeof port === 'string' && /^\d{1,5}$/.test(port) ? Number(port) : port;
  if (typeof portNumber !== 'number' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65_535) {
    return undefined;
  }
  if (typeof ed25519 !== 'string' || !KEY_HEX.test(ed25519)) return undefined;
  if (typeof x25519 !== 'string' || !KEY_HEX.test(x25519)) return undefined;
  return { ed25519Hex: ed25519.toLowerCase(), x25519Hex: x25519.toLowerCase(), ip, port: portNumber };
}

/** `result.service_node_states` of a seed's or oxend's node list; `result` may be the whole JSON-RPC answer's. */
export function parseServiceNodeStates(result: unknown): Snode[] {
  const states = isObject(result) ? result['service_node_states'] : undefined;
  if (!Array.isArray(states)) return [];
  return dedupe(
    states.map((state: unknown) =>
      isObject(state)
        ? snodeFrom({
            ip: state['public_ip'],
            port: state['storage_port'],
            ed25519: state['pubkey_ed25519'],
            x25519: state['pubkey_x25519'],
          })
        : undefined,
    ),
  );
}

/** The `snodes` of a `get_swarm` answer or a 421 body; `port_https` is the number, `port` the old string. */
export function parseSwarmSnodes(body: unknown): Snode[] | undefined {
  const snodes = isObject(body) ? body['snodes'] : undefined;
  if (!Array.isArray(snodes)) return undefined;
  return dedupe(
    snodes.map((entry: unknown) =>
      isObject(entry)
        ? snodeFrom({
            ip: entry['ip'],
            port: entry['port_https'] ?? entry['port'],
            ed25519: entry['pubkey_ed25519'],
            x25519: entry['pubkey_x25519'],
          })
        : undefined,
    ),
  );
}

/** Entry check for a node handed in by a caller: the shape `snodeFrom` would have produced. */
export function checkSnode(value: unknown, name: string): asserts value is Snode {
  const node = isObject(value)
    ? snodeFrom({ ip: value['ip'], port: value['port'], ed25519: value['ed25519Hex'], x25519: value['x25519Hex'] })
    : undefined;
  const fields = ['ed25519Hex', 'x25519Hex', 'ip', 'port'] as const;
  const same = node !== undefined && isObject(value) && fields.every((k) => node[k] === value[k]);
  if (!same) {
    throw new ParleyError('invalid_argument', `${name} must be a service node (IPv4, port, lower-case hex keys)`, {
      param: name,
      problem: 'value',
    });
  }
}

export function onionHop(node: Snode): OnionHop {
  return { ed25519PublicKeyHex: node.ed25519Hex, x25519PublicKey: fromHex(node.x25519Hex, 'x25519Hex') };
}

/** Node keys in logs: public, but a prefix is all a reader needs. */
export function shortNode(ed25519Hex: string): string {
  return ed25519Hex.slice(0, 8);
}

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dedupe(nodes: readonly (Snode | undefined)[]): Snode[] {
  const seen = new Set<string>();
  const out: Snode[] = [];
  for (const node of nodes) {
    if (node === undefined || seen.has(node.ed25519Hex)) continue;
    seen.add(node.ed25519Hex);
    out.push(node);
  }
  return out;
}
