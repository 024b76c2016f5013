/**
 * The hop timeout of a relaying node, on fake timers: a next hop that refuses the connection is
 * reported as `504 Request time out` only when the hop timeout has passed (OxenMQ keeps retrying
 * until then), and a next hop that times out is reported as soon as the relay call says so.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { toHex, utf8 } from '../../wasm/bytes.ts';
import { buildOnionRequest } from '../../wasm/onion/index.ts';
import { ready } from '../../wasm/sodium.ts';
import type { NodeRecord } from '../node/types.ts';
import { keysFromSeed } from './node-keys.ts';
import { OnionRouter } from './onion-router.ts';
import type { OutboundResult } from './outbound-http.ts';
import { track } from '../../test/wait.ts';

const HOP_TIMEOUT_MS = 1_500;

function node(port: number) {
  const keys = keysFromSeed(new Uint8Array(randomBytes(32)));
  const record: NodeRecord = { ed25519Hex: toHex(keys.ed25519PublicKey), x25519Hex: toHex(keys.x25519PublicKey), ip: '127.0.0.1', httpsPort: port, omqPort: port + 1, swarmId: 0n };
  return { keys, record, hop: { ed25519PublicKeyHex: record.ed25519Hex, x25519PublicKey: keys.x25519PublicKey } };
}

/** A guard whose relay call to the next hop ends with `outcome` at once. */
function guardRelaying(outcome: OutboundResult) {
  const guard = node(1000);
  const next = node(2000);
  const target = node(3000);
  const relay = vi.fn(async () => outcome);
  const router = new OnionRouter({
    keys: guard.keys,
    ed25519Hex: guard.record.ed25519Hex,
    notReadyReason: () => undefined,
    findNode: (hex) => [guard, next, target].find((n) => n.record.ed25519Hex === hex)?.record,
    runRpc: async () => ({ status: 200, contentType: 'application/json', body: '{}' }),
    relay,
    proxy: async () => ({ kind: 'error', message: 'no proxy here' }),
    proxyAllowed: () => false,
    hopTimeoutMs: () => HOP_TIMEOUT_MS,
    proxyTimeoutMs: () => HOP_TIMEOUT_MS,
  });
  const onion = buildOnionRequest({ path: [guard.hop, next.hop], destination: { kind: 'snode', node: target.hop }, payload: utf8('{"method":"info","params":{}}') });
  return { router, relay, onion };
}

beforeAll(() => ready());
beforeEach(() => {
  // performance.now too: the router measures what is left of the hop timeout with it.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('OnionRouter relaying onward', () => {
  it('answers 504 for a refused next hop when the hop timeout has passed, not before', async () => {
    const { router, relay, onion } = guardRelaying({ kind: 'refused', elapsedMs: 0 });
    const answer = track(router.handle((await onion).body, 'https'));
    // Peeling is real crypto work: let it run (setImmediate is not faked) without moving the clock.
    while (relay.mock.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect((relay.mock.calls[0] as unknown[])[2]).toBe(HOP_TIMEOUT_MS);
    await vi.advanceTimersByTimeAsync(HOP_TIMEOUT_MS - 1);
    expect(answer.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(answer.settled).toBe(true);
    expect(answer.value).toMatchObject({ status: 504, body: 'Request time out' });
  });

  it('answers 504 at once when the relay call itself timed out (it already waited the hop timeout)', async () => {
    const { router, relay, onion } = guardRelaying({ kind: 'timeout', elapsedMs: HOP_TIMEOUT_MS });
    const answer = await router.handle((await onion).body, 'https');
    expect(relay).toHaveBeenCalledTimes(1);
    expect(answer).toMatchObject({ status: 504, body: 'Request time out' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
