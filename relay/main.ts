/**
 * The relay's command line: `tsx relay/main.ts [--port 8080] [--host 127.0.0.1] [--dist dist]`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { close, createRelayServer, listen } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    dist: { type: 'string', default: 'dist' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`relay: --port must be an integer from 0 to 65535, got "${values.port}"`);
  process.exit(2);
}
const distDir = path.resolve(values.dist);
if (!existsSync(path.join(distDir, 'index.html'))) {
  console.error(`relay: ${distDir} has no index.html — run "npm run build" first`);
  process.exit(2);
}

const server = createRelayServer({ distDir });
const url = await listen(server, port, values.host);
console.log(`relay: serving ${distDir} at ${url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void close(server).then(() => process.exit(0));
  });
}
