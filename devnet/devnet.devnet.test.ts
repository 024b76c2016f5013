import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, toHex, utf8 } from '../wasm/bytes.ts';
import { ready, sodium } from '../wasm/sodium.ts';
import { signedRetrieveParams } from '../wasm/storage.ts';
import { nearestSwarm } from '../wasm/swarm.ts';
import type { DevnetNodeInfo } from './devnet.ts';
import { Devnet } from './devnet.ts';
import { storageRpc } from './testing/https-client.ts';
import { startTestDevnet, type TestDevnet } from './testing/test-devnet.ts';
import { randomIdentity } from '../test/identities.ts';

beforeAll(() => ready());

function membersOf(nodes: readonly DevnetNodeInfo[], sessionId: string): DevnetNodeInfo[] {
  const swarm = nearestSwarm(
    nodes.map((node) => BigInt(node.swarmId)),
    sessionId,
  );
  return nodes.filter((node) => BigInt(node.swarmId) === swarm);
}

function storeParams(sessionId: string, text: string) {
  return { pubkey: sessionId, timestamp: Date.now(), ttl: 3_600_000, data: toBase64(utf8(text)), namespace: 0 };
}

describe('Devnet lifecycle', () => {
  let net: TestDevnet;
  beforeAll(async () => {
    net = await startTestDevnet({ nodeCount: 6, swarmCount: 2 });
  });
  afterAll(() => net.stop());

  it('spreads swarms evenly over the u64 ring and assigns nodes round-robin', () => {
    expect(net.started.nodes.map((node) => node.swarm)).toEqual(['0', '8000000000000000', '0', '8000000000000000', '0', '8000000000000000']);
    expect(new Set(net.started.nodes.map((node) => node.httpsPort)).size).toBe(6);
    expect(net.started.nodes.every((node) => node.ip === '127.0.0.1' && node.running)).toBe(true);
  });

  it('keeps a node’s messages, keys and port across a restart', async () => {
    const user = randomIdentity();
    const [member] = membersOf(net.started.nodes, user.sessionId);
    const stored = await storageRpc(member!.httpsPort, { method: 'store', params: storeParams(user.sessionId, 'survives restarts') });
    expect(stored.status).toBe(200);
    const hash = JSON.parse(stored.text).hash as string;

    const node = net.devnet.node(member!.index);
    await node.restart();
    expect(node.record.httpsPort).toBe(member!.httpsPort);
    expect(node.ed25519Hex).toBe(member!.ed25519Hex);
    const retrieved = await storageRpc(member!.httpsPort, {
      method: 'retrieve',
      params: signedRetrieveParams(user, { namespace: 0, timestamp: Date.now() }),
    });
    expect(JSON.parse(retrieved.text).messages.map((m: { hash: string }) => m.hash)).toEqual([hash]);
  });

  it('records a stopped, failing or garbage-answering swarm peer in the store’s swarm map', async () => {
    const user = randomIdentity();
    const members = membersOf(net.started.nodes, user.sessionId);
    expect(members).toHaveLength(3);
    const [entry, stopped, failing] = members as [DevnetNodeInfo, DevnetNodeInfo, DevnetNodeInfo];
    await net.devnet.node(stopped.index).stop();
    net.devnet.node(failing.index).fail503(true);
    try {
      // That a stopped peer is reported only once the forward timeout has passed is shown on fake
      // timers in network/swarm-transport.test.ts; here, what each peer's entry says.
      const answer = await storageRpc(entry.httpsPort, { method: 'store', params: storeParams(user.sessionId, 'peers in trouble') });
      expect(answer.status).toBe(200);
      const swarm = JSON.parse(answer.text).swarm as Record<string, Record<string, unknown>>;
      expect(swarm[stopped.ed25519Hex]).toEqual({ failed: true, timeout: true });
      expect(swarm[failing.ed25519Hex]).toEqual({ failed: true, code: '503', reason: 'Service node is not ready: not done syncing' });
      expect(swarm[entry.ed25519Hex]).toHaveProperty('hash');

      net.devnet.node(failing.index).fail503(false);
      net.devnet.node(failing.index).garbage(true);
      const again = await storageRpc(entry.httpsPort, { method: 'store', params: storeParams(user.sessionId, 'garbage peer') });
      expect(JSON.parse(again.text).swarm[failing.ed25519Hex]).toEqual({ failed: true, bad_peer_response: true });
    } finally {
      net.devnet.node(failing.index).clearFaults();
      await net.devnet.node(stopped.index).start();
    }
  });

  it('shifts every node’s clock with the network clock offset', async () => {
    net.devnet.setClockOffset(3_600_000);
    try {
      // The node reads its clock between our two readings of the same machine clock.
      const before = Date.now();
      const info = JSON.parse((await storageRpc(net.started.nodes[0]!.httpsPort, { method: 'info', params: {} })).text);
      const after = Date.now();
      expect(info.timestamp).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(info.timestamp).toBeLessThanOrEqual(after + 3_600_000);
    } finally {
      net.devnet.setClockOffset(0);
    }
  });
});

describe('Devnet keys', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-devnet-keys-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('derives node i’s seed as BLAKE2b-256(seed ‖ u32le(i)) and gets the same network twice', async () => {
    const seed = '00112233445566778899aabbccddeeff';
    const tables: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const devnet = new Devnet({ dataDir: tempDir(), nodeCount: 3, swarmCount: 1, deterministicSeed: seed });
      const started = await devnet.start();
      tables.push(started.nodes.map((node) => node.ed25519Hex));
      await devnet.stop();
    }
    expect(tables[0]).toEqual(tables[1]);
    const input = new Uint8Array([...Buffer.from(seed, 'hex'), 2, 0, 0, 0]);
    const nodeSeed = sodium().crypto_generichash(32, input, null);
    expect(tables[0]![2]).toBe(toHex(sodium().crypto_sign_seed_keypair(nodeSeed).publicKey));
  });

  it('keeps random keys in keys.json (mode 0600) and refuses a different network in the same folder', async () => {
    const dir = tempDir();
    const first = new Devnet({ dataDir: dir, nodeCount: 2, swarmCount: 1 });
    const keys1 = (await first.start()).nodes.map((node) => node.ed25519Hex);
    await first.stop();
    expect(statSync(join(dir, 'keys.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);

    const second = new Devnet({ dataDir: dir, nodeCount: 2, swarmCount: 1 });
    expect((await second.start()).nodes.map((node) => node.ed25519Hex)).toEqual(keys1);
    await second.stop();

    await expect(new Devnet({ dataDir: dir, nodeCount: 2, deterministicSeed: 'ff' }).start()).rejects.toMatchObject({ code: 'invalid_argument' });
    const reset = new Devnet({ dataDir: dir, nodeCount: 2, deterministicSeed: 'ff', reset: true });
    expect((await reset.start()).nodes.map((node) => node.ed25519Hex)).not.toEqual(keys1);
    await reset.stop();
  });

  it('checks its options', () => {
    expect(() => new Devnet({ dataDir: '' })).toThrow(/dataDir/);
    expect(() => new Devnet({ dataDir: tempDir(), nodeCount: 0 })).toThrow(/nodeCount/);
    expect(() => new Devnet({ dataDir: tempDir(), hopTimeoutMs: -1 })).toThrow(/hopTimeoutMs/);
  });
});

// The control port's own tests are in devnet/network/control-server.devnet.test.ts.
