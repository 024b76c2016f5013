/**
 * `npm start` (after the build): brings up everything Parley needs on this machine, in order,
 * and stops it all in reverse on Ctrl-C: the devnet (seed + service nodes, data in .devnet/), the
 * relay that serves the built app and forwards its onion requests to the devnet, and the echo peer,
 * a devnet account that answers every message.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Devnet } from '../devnet/devnet.ts';
import { startEchoPeer } from '../peers/echo-peer.ts';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { createRelay } from '../relay/relay.ts';
import { close, listen } from '../relay/server.ts';

interface RunningService {
  readonly name: string;
  stop(): Promise<void>;
}

interface Service {
  readonly name: string;
  start(): Promise<RunningService>;
}

const HOST = '127.0.0.1';
const port = Number(process.env['PORT'] ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535, got "${process.env['PORT']}"`);
  process.exit(2);
}
const distDir = path.resolve(import.meta.dirname, '..', 'dist');

const DEVNET_BASE_PORT = Number(process.env['DEVNET_PORT'] ?? 22100);

let appUrl = '';
let seedUrl = '';
let controlUrl = '';
let echoSessionId = '';
const dataDir = path.resolve(import.meta.dirname, '..', '.devnet');

const devnet: Service = {
  name: 'devnet',
  async start() {
    const network = new Devnet({
      dataDir,
      basePort: DEVNET_BASE_PORT,
      controlPort: DEVNET_BASE_PORT === 0 ? 0 : DEVNET_BASE_PORT - 1,
    });
    const started = await network.start();
    seedUrl = started.seedUrl;
    controlUrl = started.controlUrl ?? '';
    return { name: 'devnet', stop: () => network.stop() };
  },
};

const relay: Service = {
  name: 'relay',
  async start() {
    if (!existsSync(path.join(distDir, 'index.html'))) {
      throw new Error(`${distDir} has no index.html — run "npm run build" first`);
    }
    const server = createRelay({ distDir, profile: devnetSeeds([seedUrl]), log: () => undefined });
    appUrl = await listen(server, port, HOST);
    return { name: 'relay', stop: () => close(server) };
  },
};

const echoPeer: Service = {
  name: 'echo peer',
  async start() {
    const peer = await startEchoPeer({ relayUrl: appUrl, dataDir });
    echoSessionId = peer.sessionId;
    return { name: 'echo peer', stop: () => peer.stop() };
  },
};

/** Started in this order, stopped in reverse. */
const services: readonly Service[] = [devnet, relay, echoPeer];

const running: RunningService[] = [];

async function stopAll(): Promise<void> {
  for (const service of running.reverse()) {
    await service.stop().catch((error: unknown) => console.error(`could not stop ${service.name}`, error));
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().then(() => process.exit(0));
  });
}

try {
  for (const service of services) running.push(await service.start());
} catch (error) {
  console.error(`Parley could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
}

console.log(`Parley is running at ${appUrl}`);
console.log(`Local Session network (devnet) seed: ${seedUrl}`);
if (controlUrl) console.log(`Devnet fault-injection control: ${controlUrl}`);
console.log(`Echo peer (answers every message): ${echoSessionId}`);
console.log('Press Ctrl-C to stop.');
