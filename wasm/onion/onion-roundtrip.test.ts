import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../bytes.ts';
import { ready, sodium } from '../sodium.ts';
import { buildOnionRequest, decryptSnodeReply, decryptV4Reply, type OnionHop } from './build.ts';
import type { EncType } from './hop-encryption.ts';
import { parseLayer } from './layer.ts';
import { encodeRelayBody, encryptSnodeReply, peelOnionBody, type PeelResult } from './peel.ts';
import { encryptV4Reply, openServerRequest } from './server.ts';
import { decodeV4Request, encodeV4Request } from './v4.ts';

interface TestNode extends OnionHop {
  secretKey: Uint8Array;
}

beforeAll(ready);

function nodeFromSeed(seed: Uint8Array): TestNode {
  const s = sodium();
  const ed = s.crypto_sign_seed_keypair(seed);
  return {
    ed25519PublicKeyHex: toHex(ed.publicKey),
    x25519PublicKey: s.crypto_sign_ed25519_pk_to_curve25519(ed.publicKey),
    secretKey: s.crypto_sign_ed25519_sk_to_curve25519(ed.privateKey),
  };
}

/** Posts the body to the first node and forwards relays along `nodes`, as the devnet would. */
async function travel(body: Uint8Array, nodes: readonly TestNode[]): Promise<PeelResult> {
  let result = await peelOnionBody(body, nodes[0]!.secretKey, nodes[0]!.x25519PublicKey);
  for (const next of nodes.slice(1)) {
    if (result.kind !== 'relay') throw new Error(`expected a relay, got ${result.kind}`);
    expect(result.nextEd25519Hex).toBe(next.ed25519PublicKeyHex);
    result = await peelOnionBody(encodeRelayBody(result), next.secretKey, next.x25519PublicKey);
  }
  return result;
}

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const encTypes = fc.constantFrom<EncType>('aes-gcm', 'xchacha20');
const text = fc.string({ unit: 'grapheme', maxLength: 200 });
const headers = fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 4 });

describe('onion round trip', () => {
  it('snode destination: build → peel ×4 → reply → client reads it', async () => {
    await fc.assert(
      fc.asyncProperty(
        encTypes,
        fc.array(seed, { minLength: 4, maxLength: 4 }),
        fc.uint8Array({ maxLength: 2048 }),
        fc.integer({ min: 100, max: 599 }),
        text,
        async (encType, seeds, payload, status, replyBody) => {
          const [guard, relay1, relay2, target] = seeds.map(nodeFromSeed) as [TestNode, TestNode, TestNode, TestNode];
          const built = await buildOnionRequest({
            path: [guard, relay1, relay2],
            destination: { kind: 'snode', node: target },
            payload,
            encType,
          });
          expect(parseLayer(built.body).trailer).toEqual(
            encType === 'aes-gcm' ? { ephemeral_key: expect.any(String) } : { ephemeral_key: expect.any(String), enc_type: encType },
          );
          const arrived = await travel(built.body, [guard, relay1, relay2, target]);
          if (arrived.kind !== 'destination') throw new Error(`expected the destination, got ${arrived.kind}`);
          expect(arrived.request).toEqual(payload);
          expect(arrived.encType).toBe(encType);
          expect(arrived.replyKey).toEqual(built.replyKey);
          const reply = await encryptSnodeReply(status, replyBody, arrived.replyKey, arrived.encType);
          expect(await decryptSnodeReply(reply, built.replyKey, encType)).toEqual({ status, body: replyBody });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('zero-hop snode onion (empty path): the node it is POSTed to is the destination', async () => {
    await fc.assert(
      fc.asyncProperty(encTypes, seed, fc.uint8Array({ maxLength: 512 }), text, async (encType, nodeSeed, payload, replyBody) => {
        const target = nodeFromSeed(nodeSeed);
        const built = await buildOnionRequest({ path: [], destination: { kind: 'snode', node: target }, payload, encType });
        expect(Object.keys(parseLayer(built.body).trailer)).toEqual(
          encType === 'aes-gcm' ? ['ephemeral_key'] : ['ephemeral_key', 'enc_type'],
        );
        const arrived = await travel(built.body, [target]);
        if (arrived.kind !== 'destination') throw new Error(`expected the destination, got ${arrived.kind}`);
        expect(arrived.request).toEqual(payload);
        const reply = await encryptSnodeReply(200, replyBody, arrived.replyKey, arrived.encType);
        expect(await decryptSnodeReply(reply, built.replyKey, encType)).toEqual({ status: 200, body: replyBody });
      }),
      { numRuns: 30 },
    );
  });

  it('server destination (v4): build → peel ×3 → proxy → server opens → v4 reply → client reads it', async () => {
    await fc.assert(
      fc.asyncProperty(
        encTypes,
        fc.array(seed, { minLength: 4, maxLength: 4 }),
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          endpoint: fc.webPath().map((p) => `/${p.replace(/^\//, '')}`),
          headers,
          body: fc.option(fc.uint8Array({ maxLength: 1024 }), { nil: undefined }),
        }),
        fc.record({ code: fc.integer({ min: 100, max: 599 }), headers, body: fc.uint8Array({ maxLength: 1024 }) }),
        fc.constantFrom(['http', 80] as const, ['https', 443] as const, ['http', 8080] as const),
        async (encType, seeds, request, reply, [protocol, port]) => {
          const [guard, relay1, relay2, server] = seeds.map(nodeFromSeed) as [TestNode, TestNode, TestNode, TestNode];
          const v4 = encodeV4Request(request);
          const built = await buildOnionRequest({
            path: [guard, relay1, relay2],
            destination: {
              kind: 'server',
              host: 'filev2.example',
              target: '/oxen/v4/lsrpc',
              protocol,
              port,
              x25519PublicKey: server.x25519PublicKey,
            },
            payload: v4,
            encType,
          });
          const proxy = await travel(built.body, [guard, relay1, relay2]);
          if (proxy.kind !== 'proxy') throw new Error(`expected a proxy, got ${proxy.kind}`);
          expect(proxy).toMatchObject({ host: 'filev2.example', target: '/oxen/v4/lsrpc', protocol, port });
          const opened = await openServerRequest(proxy.layerPlaintext, server.secretKey, server.x25519PublicKey);
          expect(opened.plaintext).toEqual(v4);
          expect(opened.encType).toBe(encType);
          expect(opened.trailer['host']).toBe('filev2.example');
          const decoded = decodeV4Request(opened.plaintext);
          expect(decoded).toEqual(request.body === undefined ? { ...request, body: undefined } : request);
          const encrypted = await encryptV4Reply(reply, opened.replyKey, opened.encType);
          expect(await decryptV4Reply(encrypted, built.replyKey, encType)).toEqual(reply);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('draws fresh ephemeral keys and IVs for every request', async () => {
    const [guard, relay1, relay2, target] = [1, 2, 3, 4].map((i) => nodeFromSeed(new Uint8Array(32).fill(i))) as TestNode[];
    const options = {
      path: [guard!, relay1!, relay2!],
      destination: { kind: 'snode', node: target! } as const,
      payload: new Uint8Array(8),
    };
    const a = await buildOnionRequest(options);
    const b = await buildOnionRequest(options);
    expect(toHex(a.replyKey)).not.toBe(toHex(b.replyKey));
    expect(parseLayer(a.body).trailer['ephemeral_key']).not.toBe(parseLayer(b.body).trailer['ephemeral_key']);
    expect(toHex(a.body.subarray(4, 16))).not.toBe(toHex(b.body.subarray(4, 16)));
  });

  it('carries a client-chosen hop_no and advances it at every relay', async () => {
    const nodes = [5, 6].map((i) => nodeFromSeed(new Uint8Array(32).fill(i)));
    const built = await buildOnionRequest({
      path: [nodes[0]!],
      destination: { kind: 'snode', node: nodes[1]! },
      payload: new Uint8Array(1),
    });
    const { blob, trailer } = parseLayer(built.body);
    const lifted = new TextEncoder().encode(JSON.stringify({ ...trailer, hop_no: 7 }));
    const body = new Uint8Array([...built.body.subarray(0, 4 + blob.length), ...lifted]);
    const first = await peelOnionBody(body, nodes[0]!.secretKey, nodes[0]!.x25519PublicKey);
    if (first.kind !== 'relay') throw new Error('expected a relay');
    expect(first.hopNo).toBe(7);
    expect(parseLayer(encodeRelayBody(first)).trailer['hop_no']).toBe(8);
  });
});
