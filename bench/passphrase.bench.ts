/** Cost in Node of the account lock: Argon2id + XChaCha20-Poly1305 (wasm/passphrase.ts). */
import { measure } from './measure.ts';
import { lockSecret, MIN_LOCK_COST, unlockSecret } from '../wasm/passphrase.ts';
import { ready } from '../wasm/sodium.ts';

export async function run(): Promise<void> {
  await ready();
  const secret = new Uint8Array(16).fill(7);
  const passphrase = 'correct horse battery staple';

  const locked = lockSecret(secret, passphrase);
  await measure('unlockSecret, default cost (ops 2, 64 MiB)', () => unlockSecret(locked, passphrase), {
    budgetMs: 3000,
    warmup: 1,
  });
  await measure('lockSecret, default cost (ops 2, 64 MiB)', () => lockSecret(secret, passphrase), {
    budgetMs: 3000,
    warmup: 1,
  });

  const cheap = lockSecret(secret, passphrase, MIN_LOCK_COST);
  await measure('unlockSecret, minimum cost (ops 1, 8 KiB; tests only)', () => unlockSecret(cheap, passphrase));
}
