import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../../wasm/sodium.ts';
import { clientNetwork, randomIdentity, startNetFixture, type NetFixture } from '../../../test/net-devnet-fixture.ts';

let fixture: NetFixture;

beforeAll(async () => {
  await ready();
  fixture = await startNetFixture({ nodeCount: 12 });
});

afterAll(async () => {
  await fixture?.stop();
});

describe('network layer on a devnet, through the relay', () => {
  it('smoke: bootstrap, paths, store, retrieve', async () => {
    const network = clientNetwork(fixture, { log: (l) => console.log(l) });
    const me = randomIdentity();
    await network.ready();
    expect(network.pool.all()).toHaveLength(12);
    expect(network.paths.current()).toHaveLength(2);
    const stored = await network.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: 'aGVsbG8=' });
    console.log(stored);
    const got = await network.storage.retrieve(me, [0]);
    console.log(JSON.stringify(got));
  });
});
