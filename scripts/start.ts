/**
 * `npm start` (after the build): brings up everything Parley needs on this machine, in order,
 * and stops it all in reverse on Ctrl-C. Today that is the relay serving the built app; the
 * devnet (seed + service nodes) will be one more service in the list, started before the relay.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { close, createRelayServer, listen } from '../relay/server.ts';

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

let appUrl = '';

const relay: Service = {
  name: 'relay',
  async start() {
    if (!existsSync(path.join(distDir, 'index.html'))) {
      throw new Error(`${distDir} has no index.html — run "npm run build" first`);
    }
    const server = createRelayServer({ distDir });
    appUrl = await listen(server, port, HOST);
    return { name: 'relay', stop: () => close(server) };
  },
};

/** Started in this order, stopped in reverse. */
const services: readonly Service[] = [relay];

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
