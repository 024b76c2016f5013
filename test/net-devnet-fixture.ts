/**
 * A devnet and a relay in-process for the network layer's tests (src/core/net/*.devnet.test.ts),
 * and a client network over them with an in-memory NetStore.
 */
import { startTestDevnet, type TestDevnet } from '../devnet/testing/test-devnet.ts';
import type { DevnetOptions } from '../devnet/devnet.ts';
import { createRelay } from '../relay/relay.ts';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { close, listen } from '../relay/server.ts';
import { MemoryNetStore } from './memory-net-store.ts';
import { createNetwork, type Network, type NetworkOptions } from '../src/core/net/network.ts';
import { devnetProfile, type NetworkProfile } from '../src/core/net/network-profile.ts';

export interface NetFixture {
  readonly net: TestDevnet;
  relayUrl: string;
  readonly relayLog: string[];
  /** The path of every request the relay has received, as it arrives (before it is answered). */
  readonly relayRequests: string[];
  /** Closes the relay (for "relay down" tests); `restartRelay` brings one back on the same port. */
  closeRelay(): Promise<void>;
  restartRelay(): Promise<string>;
  stop(): Promise<void>;
}

export async function startNetFixture(options: Partial<DevnetOptions> = {}): Promise<NetFixture> {
  const net = await startTestDevnet(options);
  const relayLog: string[] = [];
  const relayRequests: string[] = [];
  let port = 0;
  const start = async () => {
    // It names the devnet's file server in GET /v1/network, as `npm start`'s relay does.
    const server = createRelay({
      distDir: 'dist-that-does-not-exist',
      profile: devnetSeeds([net.started.seedUrl]),
      log: (l) => relayLog.push(l),
      ...(net.devnet.fileServer ? { fileServer: net.devnet.fileServer } : {}),
    });
    server.on('request', (req: { url?: string }) => relayRequests.push(req.url ?? ''));
    const url = await listen(server, port, '127.0.0.1');
    port = Number(new URL(url).port);
    return { server, url };
  };
  let relay: Awaited<ReturnType<typeof start>> | undefined = await start();
  const fixture: NetFixture = {
    net,
    relayUrl: relay.url,
    relayLog,
    relayRequests,
    async closeRelay() {
      if (relay) await close(relay.server);
      relay = undefined;
    },
    async restartRelay() {
      if (relay) await close(relay.server);
      relay = await start();
      fixture.relayUrl = relay.url;
      return relay.url;
    },
    async stop() {
      if (relay) await close(relay.server);
      relay = undefined;
      await net.stop();
    },
  };
  return fixture;
}

export interface ClientOptions extends Partial<Omit<NetworkOptions, 'profile'>> {
  readonly profile?: Partial<NetworkProfile>;
}

export function clientNetwork(fixture: NetFixture, options: ClientOptions = {}): Network & { store: MemoryNetStore } {
  const store = (options.store as MemoryNetStore | undefined) ?? new MemoryNetStore();
  const network = createNetwork({
    ...options,
    profile: devnetProfile(fixture.relayUrl, { rpcTimeoutMs: 5_000, guardTestTimeoutMs: 3_000, ...options.profile }),
    store,
    retryPolicy: options.retryPolicy ?? { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 400, maxClockResyncs: 1, maxSwarmUpdates: 2, maxRelayWaitMs: 1_000 },
  });
  return Object.assign(network, { store });
}

