/**
 * The stack `npm start` runs, as a function: the devnet (seed + service nodes), the relay that
 * serves the built app and forwards its onion requests to the devnet, and the echo peer, a devnet
 * account that answers every message. Started in that order, stopped in reverse. The end-to-end
 * tests run this same stack (through scripts/start.ts, as Playwright's webServer).
 */
import { existsSync } from 'node:fs';
import { Devnet } from '../devnet/devnet.ts';
import { startEchoPeer } from '../peers/echo-peer.ts';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { createRelay } from '../relay/relay.ts';
import { close, listen } from '../relay/server.ts';
import type { RelayTraffic } from '../relay/traffic.ts';
import path from 'node:path';

export interface StackOptions {
  /** The relay's port on 127.0.0.1 (0: any free port). */
  readonly port: number;
  /** The devnet's seed port, nodes on the ports after it; 0: free ports chosen by the OS. */
  readonly devnetBasePort: number;
  /** Node keys and messages, the echo peer's identity. */
  readonly dataDir: string;
  /** The built app the relay serves. */
  readonly distDir: string;
  /** What each service says as it starts (default: nothing). */
  readonly log?: (line: string) => void;
}

export interface RunningStack {
  readonly appUrl: string;
  readonly seedUrl: string;
  /** The devnet's fault-injection control server. */
  readonly controlUrl: string | undefined;
  /** Its per-run bearer token (`Authorization: Bearer <token>`). */
  readonly controlToken: string | undefined;
  readonly echoPeerSessionId: string;
  /** What the relay has seen on the wire, per route (relay/traffic.ts). */
  readonly traffic: RelayTraffic;
  /** Stops everything, in reverse order of starting. */
  stop(): Promise<void>;
}

interface Stoppable {
  readonly name: string;
  stop(): Promise<void>;
}

/** Starts every service; if one fails, those already running are stopped before the error is thrown. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const log = options.log ?? (() => undefined);
  if (!existsSync(path.join(options.distDir, 'index.html'))) {
    throw new Error(`${options.distDir} has no index.html — run "npm run build" first`);
  }
  const running: Stoppable[] = [];
  const stop = async () => {
    for (const service of running.splice(0).reverse()) {
      await service.stop().catch((error: unknown) => console.error(`could not stop the ${service.name}`, error));
    }
  };
  try {
    const devnet = new Devnet({
      dataDir: options.dataDir,
      basePort: options.devnetBasePort,
      controlPort: options.devnetBasePort === 0 ? 0 : options.devnetBasePort - 1,
    });
    const started = await devnet.start();
    running.push({ name: 'devnet', stop: () => devnet.stop() });
    log(`devnet: seed at ${started.seedUrl}`);
    log(`devnet: file server at ${started.fileServer.url} (reached through onions only)`);

    // The relay names the echo peer in GET /v1/network once it runs (the app shows it as a hint).
    let echoPeer: string | undefined;
    const relay = createRelay({
      distDir: options.distDir,
      profile: devnetSeeds([started.seedUrl]),
      log: () => undefined,
      echoPeer: () => echoPeer,
      fileServer: started.fileServer,
    });
    const appUrl = await listen(relay, options.port, '127.0.0.1');
    running.push({ name: 'relay', stop: () => close(relay) });
    log(`relay: serving ${options.distDir} at ${appUrl}`);

    const peer = await startEchoPeer({ relayUrl: appUrl, dataDir: options.dataDir });
    running.push({ name: 'echo peer', stop: () => peer.stop() });
    echoPeer = peer.sessionId;
    log(`echo peer: ${peer.sessionId}`);

    return {
      appUrl,
      seedUrl: started.seedUrl,
      controlUrl: started.controlUrl,
      controlToken: started.controlToken,
      echoPeerSessionId: peer.sessionId,
      traffic: relay.traffic,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
