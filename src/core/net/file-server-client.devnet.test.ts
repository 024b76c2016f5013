/**
 * The core's file-server client against the devnet, through the relay and 3-hop onions: attachments
 * encrypted with the legacy scheme (an image-sized one and ~5 MB) go up on the relay's large route
 * and come back whole (same SHA-256 after decryption); and each refusal has its code.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentUrl } from '../../shared/file-server-api.ts';
import { NETWORK_PATH, ONION_LARGE_PATH_PREFIX, ONION_PATH_PREFIX } from '../../shared/relay-api.ts';
import { decryptAttachment, encryptAttachment } from '../../../wasm/attachment.ts';
import { ready } from '../../../wasm/sodium.ts';
import { expectCode } from '../../../test/expect-code.ts';
import { clientNetwork, startNetFixture, type NetFixture } from '../../../test/net-devnet-fixture.ts';
import { FileServerClient, type FileServerClientOptions } from './file-server-client.ts';
import { devnetProfile } from './network-profile.ts';

let fixture: NetFixture;

beforeAll(async () => {
  await ready();
  fixture = await startNetFixture({ hopTimeoutMs: 25_000, proxyTimeoutMs: 20_000 });
}, 60_000);
afterAll(() => fixture.stop());

const network = () => clientNetwork(fixture, { profile: { fileServer: fixture.net.devnet.fileServer } });

function content(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('FileServerClient through the devnet', () => {
  it('uploads an image-sized and a ~5 MB attachment and downloads them with matching hashes', async () => {
    const net = network();
    for (const size of [180_000, 5_000_000]) {
      const plaintext = content(size);
      const encrypted = await encryptAttachment(plaintext);
      const before = fixture.relayRequests.length;
      const uploaded = await net.files.upload(encrypted.blob);
      expect(uploaded.url).toBe(attachmentUrl(fixture.net.devnet.fileServer, uploaded.id));
      // The upload took the large route, the download the normal one.
      const routes = fixture.relayRequests.slice(before);
      expect(routes.some((p) => p.startsWith(ONION_LARGE_PATH_PREFIX))).toBe(true);
      const blob = await net.files.download(uploaded.url);
      expect(fixture.relayRequests.at(-1)?.startsWith(ONION_PATH_PREFIX)).toBe(true);
      expect(blob.length).toBe(encrypted.blob.length);
      const back = await decryptAttachment(blob, encrypted.key, encrypted.digest, encrypted.size);
      expect(sha256(back)).toBe(sha256(plaintext));
    }
  }, 120_000);

  it('file_not_found for an id the server does not have', async () => {
    const url = attachmentUrl(fixture.net.devnet.fileServer, 'Z'.repeat(44));
    await expectCode(network().files.download(url), 'file_not_found');
  }, 30_000);

  it('a devnet profile without a file server (a browser started offline) learns it from the relay when it needs it', async () => {
    const bare = clientNetwork(fixture);
    expect(bare.profile.fileServer).toBeUndefined();
    const before = fixture.relayRequests.length;
    const uploaded = await bare.files.upload(new Uint8Array(100).fill(7));
    expect(uploaded.url).toBe(attachmentUrl(fixture.net.devnet.fileServer, uploaded.id));
    expect(fixture.relayRequests.slice(before)).toContain(NETWORK_PATH);
    expect((await bare.files.download(uploaded.url)).length).toBe(100);
  }, 30_000);

  it('file_server_unknown when none can be learnt, or for a URL naming another server', async () => {
    // Answered before any path or transport is used: neither is given.
    const nowhere = new FileServerClient({
      profile: devnetProfile(fixture.relayUrl),
      transport: {} as FileServerClientOptions['transport'],
      paths: {} as FileServerClientOptions['paths'],
      discover: async () => undefined,
    });
    await expectCode(nowhere.upload(new Uint8Array(100)), 'file_server_unknown');
    const other = { ...fixture.net.devnet.fileServer, ed25519PublicKeyHex: 'cd'.repeat(32) };
    await expectCode(network().files.download(attachmentUrl(other, 'Z'.repeat(44))), 'file_server_unknown');
    await expectCode(network().files.download('http://127.0.0.1:1/not-a-file'), 'file_server_unknown');
  }, 30_000);

  it('stops with aborted when its signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectCode(network().files.upload(new Uint8Array(100), { signal: controller.signal }), 'aborted');
  });
});
