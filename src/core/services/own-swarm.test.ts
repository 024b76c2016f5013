import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomIdentity } from '../../../test/identities.ts';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import { ParleyError } from '../../shared/errors.ts';
import { listSwarmChores } from '../store/index.ts';
import { OwnSwarm } from './own-swarm.ts';

const H1 = 'A'.repeat(43);
const H2 = 'B'.repeat(43);

let me: Identity;
let open: TestContext[] = [];
beforeAll(async () => {
  await ready();
  me = randomIdentity();
});
afterEach(() => {
  for (const t of open) t.close();
  open = [];
});

/** The storage client's delete and expire replaced by ones that fail while `offline` is true. */
async function setup() {
  const t = await makeContext({ identity: me });
  open.push(t);
  const calls: string[] = [];
  const state = { offline: true };
  const storage = t.network.storage as unknown as Record<string, unknown>;
  const answer = (call: string) => {
    if (state.offline) throw new ParleyError('network_offline', 'offline');
    calls.push(call);
  };
  storage['deleteMessages'] = async (_account: unknown, hashes: string[]) => answer(`delete ${hashes.join(',')}`);
  storage['shortenExpiry'] = async (_account: unknown, hashes: string[], expiry: number) => answer(`shorten ${hashes.join(',')} ${expiry > 0}`);
  return { t, calls, state, swarm: new OwnSwarm(t.ctx) };
}

describe('OwnSwarm: changes to our own swarm are kept until the swarm takes them', () => {
  it('offline: kept on disk; back online: done in order, then forgotten', async () => {
    const { t, calls, state, swarm } = await setup();
    await swarm.delete([H1]);
    await swarm.shorten([H2], Date.now() + 60_000);
    expect((await listSwarmChores(t.db)).map((c) => c.kind)).toEqual(['delete', 'shorten']);
    expect(calls).toEqual([]);

    state.offline = false;
    await swarm.run();
    expect(calls).toEqual([`delete ${H1}`, `shorten ${H2} true`]);
    expect(await listSwarmChores(t.db)).toEqual([]);
  });

  it('while locked nothing is tried; the chores wait for the unlock', async () => {
    const { t, calls, state, swarm } = await setup();
    state.offline = false;
    t.ctx.session.cleared();
    await swarm.delete([H1]);
    expect(calls).toEqual([]);
    expect(await listSwarmChores(t.db)).toHaveLength(1);
    t.ctx.session.unlocked(me);
    await swarm.run();
    expect(calls).toEqual([`delete ${H1}`]);
  });
});
