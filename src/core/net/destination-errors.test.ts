import { describe, expect, it } from 'vitest';
import { destinationError, nodeNotFound, subRequestFailure, WrongSwarmError } from './destination-errors.ts';

const target = { ed25519Hex: 'aa'.repeat(32), x25519Hex: 'bb'.repeat(32), ip: '10.0.0.1', port: 22021 };
const none: ReadonlySet<string> = new Set();
const member = { ip: '10.0.0.2', port_https: 22021, pubkey_ed25519: 'cc'.repeat(32), pubkey_x25519: 'dd'.repeat(32) };

describe('destination status → coded error', () => {
  it.each([
    [406, 'clock_out_of_sync'],
    [425, 'clock_out_of_sync'],
    [400, 'request_failed'],
    [401, 'request_failed'],
    [403, 'request_failed'],
    [404, 'request_failed'],
    [429, 'snode_unavailable'],
    [500, 'snode_unavailable'],
    [502, 'snode_unavailable'],
    [503, 'snode_unavailable'],
    [504, 'snode_unavailable'],
  ])('%i → %s', (status, code) => {
    const error = destinationError(status, 'whatever text', target, none);
    expect(error.code).toBe(code);
    expect(error.details['node']).toBe(target.ed25519Hex);
  });

  it('421 carries the swarm the node named (a typed payload, not details)', () => {
    const error = destinationError(421, { snodes: [member], swarm: 'abc', t: 1 }, target, none);
    expect(error).toBeInstanceOf(WrongSwarmError);
    expect(error.code).toBe('wrong_swarm');
    expect((error as WrongSwarmError).swarm.map((n) => n.ed25519Hex)).toEqual([member.pubkey_ed25519]);
    expect((destinationError(421, 'not json', target, none) as WrongSwarmError).swarm).toEqual([]);
  });

  it('"Next node not found: <ed>" is the one text read, as the storage server writes it', () => {
    const error = destinationError(502, `Next node not found: ${'EE'.repeat(32)}`, target, new Set(['ee'.repeat(32)]));
    expect(error.code).toBe('snode_not_found');
    expect(error.details['node']).toBe('ee'.repeat(32));
    expect(nodeNotFound('Next node not found: xyz')).toBeUndefined();
    expect(nodeNotFound('next node not found: ' + 'ee'.repeat(32))).toBeUndefined();
    expect(nodeNotFound(undefined)).toBeUndefined();
  });

  it('"Next node not found" naming a node no hop looks up is read by its status alone (issue 9, hole 6)', () => {
    const bystander = 'ee'.repeat(32);
    const onTheWay = new Set(['ff'.repeat(32), target.ed25519Hex]);
    expect(destinationError(502, `Next node not found: ${bystander}`, target, onTheWay)).toMatchObject({
      code: 'snode_unavailable',
      details: { node: target.ed25519Hex, status: 502 },
    });
    expect(destinationError(400, `Next node not found: ${bystander}`, target, onTheWay).code).toBe('request_failed');
  });

  it('finds the first failing sub-request of a batch or sequence', () => {
    expect(subRequestFailure({ results: [{ code: 200, body: {} }, { code: 200, body: {} }] })).toBeUndefined();
    expect(subRequestFailure({ results: [{ code: 200, body: {} }, { code: 421, body: { snodes: [] } }] })).toEqual({
      status: 421,
      body: { snodes: [] },
    });
    expect(subRequestFailure({ results: [{ body: {} }] })?.status).toBe(502);
    expect(subRequestFailure({})?.status).toBe(502);
    expect(subRequestFailure('text')?.status).toBe(502);
  });
});
