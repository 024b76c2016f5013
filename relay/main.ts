/**
 * The relay's command line:
 *
 *   tsx relay/main.ts --seed https://127.0.0.1:22100/        (devnet, the default profile)
 *   tsx relay/main.ts --profile mainnet                      (Session's seeds, pinned)
 *
 * Other options: --port 8080, --host 127.0.0.1, --dist dist, --cors-origin <origin> (repeatable).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MAINNET_SEEDS, devnetSeeds, type SeedProfile } from './seed-profiles.ts';
import { createRelay } from './relay.ts';
import { close, listen } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    dist: { type: 'string', default: 'dist' },
    profile: { type: 'string', default: 'devnet' },
    seed: { type: 'string', multiple: true, default: ['https://127.0.0.1:22100/'] },
    'cors-origin': { type: 'string', multiple: true, default: [] },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(`relay: ${message}`);
  process.exit(2);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be an integer from 0 to 65535, got "${values.port}"`);
const distDir = path.resolve(values.dist);
if (!existsSync(path.join(distDir, 'index.html'))) fail(`${distDir} has no index.html — run "npm run build" first`);

let profile: SeedProfile;
try {
  if (values.profile === 'mainnet') profile = MAINNET_SEEDS;
  else if (values.profile === 'devnet') profile = devnetSeeds(values.seed);
  else fail(`--profile must be devnet or mainnet, got "${values.profile}"`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const server = createRelay({ distDir, profile, corsOrigins: values['cors-origin'] });
const url = await listen(server, port, values.host);
console.log(`relay: serving ${distDir} at ${url} for the ${profile.name} (seeds: ${profile.seeds.map((s) => s.url).join(', ')})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void close(server).then(() => process.exit(0));
  });
}
