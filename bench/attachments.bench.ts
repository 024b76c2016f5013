/**
 * Attachment throughput on loopback (issue 11): the largest file the legacy scheme can send
 * (9,800,000 bytes: its padded blob stays under the file server's 10,000,000-byte limit) encrypted,
 * uploaded through the relay's large-onion route and a 3-hop onion to the devnet file server,
 * downloaded the same way and decrypted, a few times each. Figures are printed, never asserted.
 */
import { decryptAttachment, encryptAttachment } from '../wasm/attachment.ts';
import { ready } from '../wasm/sodium.ts';
import { clientNetwork, startNetFixture } from '../test/net-devnet-fixture.ts';
import { record } from './report.ts';

const FILE_BYTES = 9_800_000;
const ROUNDS = 3;
const SECTION = 'attachments (9.8 MB, loopback)';

export async function run(): Promise<void> {
  await ready();
  const fixture = await startNetFixture({ rateLimit: false, hopTimeoutMs: 30_000, proxyTimeoutMs: 25_000 });
  try {
    const network = clientNetwork(fixture, { profile: { fileServer: fixture.net.devnet.fileServer } });
    const plaintext = new Uint8Array(FILE_BYTES).map((_, i) => (i * 131) & 0xff);
    const times = { encrypt: [] as number[], upload: [] as number[], download: [] as number[], decrypt: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // A different file each round, so the server's equal-body dedup does not shortcut anything.
      plaintext[0] = round;
      let t = performance.now();
      const sealed = await encryptAttachment(plaintext);
      times.encrypt.push(performance.now() - t);
      t = performance.now();
      const uploaded = await network.files.upload(sealed.blob, { timeoutMs: 120_000 });
      times.upload.push(performance.now() - t);
      t = performance.now();
      const blob = await network.files.download(uploaded.url, { timeoutMs: 120_000 });
      times.download.push(performance.now() - t);
      t = performance.now();
      await decryptAttachment(blob, sealed.key, sealed.digest, sealed.size);
      times.decrypt.push(performance.now() - t);
    }
    const note = `median of ${ROUNDS}, blob ${(FILE_BYTES / 1e6).toFixed(1)} MB`;
    for (const [name, list] of Object.entries(times)) {
      const median = [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
      record({ section: SECTION, name: `${name} throughput`, value: FILE_BYTES / 1e6 / (median / 1000), unit: 'MB/s', note });
      record({ section: SECTION, name: `${name} time`, value: median, unit: 'ms', note });
    }
  } finally {
    await fixture.stop();
  }
}
