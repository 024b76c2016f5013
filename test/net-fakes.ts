/** Made-up service nodes for the network layer's unit tests (keys are patterns, not real keys). */
import type { Snode } from '../src/core/net/types.ts';

export function fakeNodes(count: number, from = 0): Snode[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + from;
    return { ed25519Hex: i.toString(16).padStart(4, '0').repeat(16), x25519Hex: 'cc'.repeat(32), ip: `10.0.${i}.1`, port: 22021 };
  });
}
