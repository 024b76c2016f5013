/** Per-request cost in Node of onion cryptography: building a 3-hop onion, one hop's peel, reading the reply. */
import { measure } from './measure.ts';
import { toHex } from '../wasm/bytes.ts';
import { identityFromEntropy } from '../wasm/identity.ts';
import {
  buildOnionRequest,
  decryptSnodeReply,
  encryptSnodeReply,
  peelOnionBody,
  type EncType,
  type OnionHop,
} from '../wasm/onion/index.ts';
import { ready } from '../wasm/sodium.ts';

export async function run(): Promise<void> {
  await ready();
  const nodes = [1, 2, 3, 4].map((i) => identityFromEntropy(new Uint8Array(32).fill(i)));
  const hops: OnionHop[] = nodes.map((n) => ({
    ed25519PublicKeyHex: toHex(n.ed25519PublicKey),
    x25519PublicKey: n.x25519PublicKey,
  }));
  const guard = nodes[0]!;
  const payload = new Uint8Array(1024).fill(0x61);
  const replyBody = JSON.stringify({ messages: [], t: 1_700_000_000_000, hf: [19, 3] });

  for (const encType of ['aes-gcm', 'xchacha20'] as EncType[]) {
    const build = () =>
      buildOnionRequest({
        path: hops.slice(0, 3),
        destination: { kind: 'snode', node: hops[3]! },
        payload,
        encType,
      });
    await measure(`buildOnionRequest 3 hops, 1 KiB, ${encType}`, build);

    const built = await build();
    await measure(`peelOnionBody (guard), ${encType}`, () =>
      peelOnionBody(built.body, guard.x25519SecretKey, guard.x25519PublicKey),
    );

    const reply = await encryptSnodeReply(200, replyBody, built.replyKey, encType);
    await measure(`decryptSnodeReply, ${encType}`, () => decryptSnodeReply(reply, built.replyKey, encType));
  }
}
