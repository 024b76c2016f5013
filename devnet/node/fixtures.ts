/**
 * Shared test fixtures for devnet/node tests: a two-swarm network at a fixed clock, the vector
 * test account (which lands in swarm A), and an account that lands in swarm B.
 */
import { fromHex } from '../../wasm/bytes.ts';
import { type Identity, identityFromEntropy } from '../../wasm/identity.ts';
import { nearestSwarm } from '../../wasm/swarm.ts';
import { TestNetwork } from './test-network.ts';

/** The clock of the storage.json signature vectors. */
export const NOW = 1_700_000_000_000;
export const SWARM_A = 0x0400_0000_0000_0000n;
export const SWARM_B = 0x8000_0000_0000_0000n;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export function makeNetwork(hardfork?: readonly [number, number]): TestNetwork {
  return new TestNetwork({ swarms: [SWARM_A, SWARM_B], nodesPerSwarm: 3, now: NOW, ...(hardfork ? { hardfork } : {}) });
}

/** storage.json's test account (seed 00..1f): swarm-space 0x04467e4391aa2196, so swarm A. */
export function vectorAccount(): Identity {
  return identityFromEntropy(fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'));
}

/** The first account, counting up from `start`, that swarm `swarm` stores. */
export function accountIn(swarm: bigint, start = 1): Identity {
  for (let i = start; i < start + 1000; i++) {
    const id = identityFromEntropy(new Uint8Array(16).fill(i));
    if (nearestSwarm([SWARM_A, SWARM_B], id.sessionId) === swarm) return id;
  }
  throw new Error('no account found');
}

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
