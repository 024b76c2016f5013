/**
 * What the restore journey needs beyond support/app.ts and support/onboarding.ts: a Session network
 * of its own (a devnet and the relay that serves the built app in front of it, as `npm start` runs
 * them, on ports the OS picks), so the spec does not depend on what else the e2e relay runs.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import { startTestDevnet, type TestDevnet } from '../../devnet/testing/test-devnet.ts';
import { devnetSeeds } from '../../relay/seed-profiles.ts';
import { createRelay } from '../../relay/relay.ts';
import { close, listen } from '../../relay/server.ts';

export interface Stack {
  /** Where the relay serves the app, e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** A devnet and a relay serving dist/ in front of it; `stop()` tears both down. */
export async function startStack(): Promise<Stack> {
  const devnet: TestDevnet = await startTestDevnet({ nodeCount: 8, rateLimit: false });
  let relay: Server | undefined;
  try {
    relay = createRelay({ distDir: path.resolve('dist'), profile: devnetSeeds([devnet.started.seedUrl]), log: () => undefined });
    const baseUrl = (await listen(relay, 0, '127.0.0.1')).replace(/\/$/u, '');
    const server = relay;
    return {
      baseUrl,
      async stop() {
        await close(server);
        await devnet.stop();
      },
    };
  } catch (error) {
    if (relay) await close(relay);
    await devnet.stop();
    throw error;
  }
}
