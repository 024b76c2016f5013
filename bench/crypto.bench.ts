/** Per-operation cost in Node of the crypto a message send and a poll pay for. */
import { measure } from './measure.ts';
import { identityFromEntropy } from '../wasm/identity.ts';
import { decryptMessage, encryptMessage } from '../wasm/session-protocol.ts';
import { ready } from '../wasm/sodium.ts';
import { messageHash, signRequest } from '../wasm/storage.ts';

export async function run(): Promise<void> {
  await ready();
  const alice = identityFromEntropy(new Uint8Array(16).fill(1));
  const bob = identityFromEntropy(new Uint8Array(16).fill(2));

  for (const size of [100, 2048]) {
    const content = new Uint8Array(size).fill(0x61);
    const ciphertext = encryptMessage(content, alice, bob.x25519PublicKey);
    await measure(`encryptMessage (pad + seal), ${size} B content`, () =>
      encryptMessage(content, alice, bob.x25519PublicKey),
    );
    await measure(`decryptMessage (open + unpad), ${size} B content`, () => decryptMessage(ciphertext, bob));
  }

  let timestamp = 1_700_000_000_000;
  await measure('signRequest (retrieve)', () =>
    signRequest({ method: 'retrieve', namespace: 0, timestamp: timestamp++ }, alice.ed25519SecretKey),
  );

  const stored = new Uint8Array(400).fill(0x62);
  await measure('messageHash (400 B data)', () => messageHash(alice.sessionId, 0, stored));
}
