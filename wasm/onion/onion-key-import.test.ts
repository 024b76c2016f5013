import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toHex, utf8 } from '../bytes.ts';
import { identityFromEntropy, type Identity } from '../identity.ts';
import { ready } from '../sodium.ts';
import { wipe } from '../sodium.ts';
import { buildOnionRequest, decryptSnodeReply, type OnionHop } from './build.ts';
import { encodeRelayBody, encryptSnodeReply, peelOnionBody } from './peel.ts';

let nodes: Identity[] = [];
let hops: OnionHop[] = [];
beforeAll(async () => {
  await ready();
  nodes = [21, 22, 23, 24].map((fill) => identityFromEntropy(new Uint8Array(16).fill(fill)));
  hops = nodes.map((node) => ({ ed25519PublicKeyHex: toHex(node.ed25519PublicKey), x25519PublicKey: node.x25519PublicKey }));
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('an AES-GCM onion and WebCrypto', () => {
  it('imports every layer key before the first encryption, not one import per layer between them', async () => {
    const calls: string[] = [];
    const subtle = crypto.subtle;
    const importKey = subtle.importKey.bind(subtle);
    const encrypt = subtle.encrypt.bind(subtle);
    vi.spyOn(subtle, 'importKey').mockImplementation(((...args: Parameters<typeof importKey>) => {
      calls.push('import');
      return importKey(...args);
    }) as typeof importKey);
    vi.spyOn(subtle, 'encrypt').mockImplementation(((...args: Parameters<typeof encrypt>) => {
      calls.push('encrypt');
      return encrypt(...args);
    }) as typeof encrypt);

    const built = await buildOnionRequest({ path: hops.slice(0, 3), destination: { kind: 'snode', node: hops[3]! }, payload: utf8('{"method":"info","params":{}}') });

    expect(calls).toEqual(['import', 'import', 'import', 'import', 'encrypt', 'encrypt', 'encrypt', 'encrypt']);
    expect(built.encType).toBe('aes-gcm');
    // And the onion still peels, hop by hop, down to the payload.
    let peeled = await peelOnionBody(built.body, nodes[0]!.x25519SecretKey, nodes[0]!.x25519PublicKey);
    for (const node of nodes.slice(1)) {
      if (peeled.kind !== 'relay') throw new Error(`expected a relay layer, got ${peeled.kind}`);
      peeled = await peelOnionBody(encodeRelayBody(peeled), node.x25519SecretKey, node.x25519PublicKey);
    }
    if (peeled.kind !== 'destination') throw new Error(`expected the destination, got ${peeled.kind}`);
    expect(new TextDecoder().decode(peeled.request)).toBe('{"method":"info","params":{}}');
  });

  it('opens the reply with the destination key imported for the build, and imports again once that key is wiped', async () => {
    const built = await buildOnionRequest({ path: hops.slice(0, 3), destination: { kind: 'snode', node: hops[3]! }, payload: utf8('{}') });
    // What the destination answers, sealed with the same key (made before counting imports).
    const reply = await encryptSnodeReply(200, 'pong', new Uint8Array(built.replyKey), built.encType);
    const imports = vi.spyOn(crypto.subtle, 'importKey');

    await expect(decryptSnodeReply(reply, built.replyKey, built.encType)).resolves.toEqual({ status: 200, body: 'pong' });
    expect(imports).not.toHaveBeenCalled();

    // A wiped key array no longer stands for the remembered key: it is imported (all zeros) and fails.
    wipe(built.replyKey);
    await expect(decryptSnodeReply(reply, built.replyKey, built.encType)).rejects.toMatchObject({ code: 'onion_decrypt_failed' });
    expect(imports).toHaveBeenCalledTimes(1);
  });
});
