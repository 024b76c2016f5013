import { describe, expect, it } from 'vitest';
import { checkSnode, parseServiceNodeStates, parseSwarmSnodes, snodeFrom } from './snode-records.ts';

const ED = 'AB'.repeat(32);
const X = 'cd'.repeat(32);
const state = (over: Record<string, unknown> = {}) => ({
  public_ip: '10.1.2.3',
  storage_port: 22021,
  pubkey_ed25519: ED,
  pubkey_x25519: X,
  ...over,
});

describe('service-node records', () => {
  it('reads a seed/oxend list, lower-casing keys', () => {
    expect(parseServiceNodeStates({ service_node_states: [state()] })).toEqual([
      { ed25519Hex: ED.toLowerCase(), x25519Hex: X, ip: '10.1.2.3', port: 22021 },
    ]);
  });

  it('skips entries without a usable address or keys, and duplicates', () => {
    const bad = [
      state({ public_ip: '' }),
      state({ public_ip: '0.0.0.0' }),
      state({ public_ip: '256.1.1.1' }),
      state({ public_ip: '::1' }),
      state({ public_ip: 7 }),
      state({ storage_port: 0 }),
      state({ storage_port: 70_000 }),
      state({ storage_port: 1.5 }),
      state({ pubkey_ed25519: 'ab'.repeat(31) }),
      state({ pubkey_ed25519: 'zz'.repeat(32) }),
      state({ pubkey_x25519: undefined }),
      null,
      'node',
    ];
    expect(parseServiceNodeStates({ service_node_states: bad })).toEqual([]);
    const good = state({ pubkey_ed25519: 'ef'.repeat(32) });
    expect(parseServiceNodeStates({ service_node_states: [good, good, ...bad] })).toHaveLength(1);
  });

  it('gives an empty list for anything that is not a node list', () => {
    for (const value of [undefined, null, [], 'x', { service_node_states: {} }]) expect(parseServiceNodeStates(value)).toEqual([]);
  });

  it('reads get_swarm / 421 snodes with port_https, or the old string port', () => {
    const body = {
      snodes: [
        { ip: '1.2.3.4', port_https: 22021, port: '22021', pubkey_ed25519: ED, pubkey_x25519: X },
        { ip: '1.2.3.5', port: '22022', pubkey_ed25519: 'ef'.repeat(32), pubkey_x25519: X },
        { ip: '1.2.3.6', port: 'x', pubkey_ed25519: '01'.repeat(32), pubkey_x25519: X },
      ],
      swarm: 'abc',
    };
    expect(parseSwarmSnodes(body)?.map((n) => n.port)).toEqual([22021, 22022]);
    expect(parseSwarmSnodes({ swarm: 'ffffffffffffffff' })).toBeUndefined();
    expect(parseSwarmSnodes('Misdirected')).toBeUndefined();
    expect(parseSwarmSnodes({ snodes: [] })).toEqual([]);
  });

  it('snodeFrom accepts exactly the valid shapes', () => {
    expect(snodeFrom({ ip: '127.0.0.1', port: '443', ed25519: ED, x25519: X })?.port).toBe(443);
    expect(snodeFrom({ ip: '127.0.0.1', port: '443a', ed25519: ED, x25519: X })).toBeUndefined();
  });

  it('checkSnode refuses anything but a well-formed node, naming the parameter', () => {
    const node = { ed25519Hex: 'ab'.repeat(32), x25519Hex: 'cd'.repeat(32), ip: '10.0.0.1', port: 22021 };
    expect(() => checkSnode(node, 'target')).not.toThrow();
    for (const bad of [null, 'node', { ...node, ed25519Hex: 'AB'.repeat(32) }, { ...node, ip: '0.0.0.0' }, { ...node, port: '22021' }, { ...node, x25519Hex: 'cd' }]) {
      expect(() => checkSnode(bad, 'target')).toThrow(expect.objectContaining({ code: 'invalid_argument', details: { param: 'target', problem: 'value' } }));
    }
  });
});
