/**
 * `npm start` (after the build): brings up everything Parley needs on this machine (scripts/stack.ts:
 * the devnet, the relay serving the built app, the echo peer) and stops it all in reverse on Ctrl-C
 * or SIGTERM. The end-to-end tests run this same command as Playwright's webServer.
 *
 * Environment:
 *   PORT=8080          the app's (relay's) port on 127.0.0.1; 0 = any free port
 *   DEVNET_PORT=22100  the devnet's seed port, nodes on the ports after it; 0 = free ports
 *   DATA_DIR=.devnet   node keys and messages, the echo peer's identity
 *   TEMP_DATA=1        instead of DATA_DIR, a fresh temporary directory, removed on stop (e2e)
 *   DEVNET_CONTROL_FILE=<path>  also write the devnet control port's {url, token} there (mode 0600,
 *                      removed on stop): how Playwright's specs reach the control port (e2e)
 *
 * Readiness: the line "Parley is running at <url>" is printed once every service runs (the echo
 * peer included); nothing is printed to stdout before it but the services' start-up lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeControlAccessFile } from '../devnet/testing/control-client.ts';
import { startStack } from './stack.ts';

const root = path.resolve(import.meta.dirname, '..');

function portFrom(name: string, fallback: number): number {
  const text = process.env[name];
  const port = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`${name} must be an integer from 0 to 65535, got "${text}"`);
    process.exit(2);
  }
  return port;
}

const port = portFrom('PORT', 8080);
const devnetBasePort = portFrom('DEVNET_PORT', 22100);
const temporary = process.env['TEMP_DATA'] === '1';
const dataDir = temporary ? mkdtempSync(path.join(tmpdir(), 'parley-stack-')) : path.resolve(process.env['DATA_DIR'] || path.join(root, '.devnet'));
const controlFile = process.env['DEVNET_CONTROL_FILE'] || undefined;
const removeRunFiles = () => {
  if (temporary) rmSync(dataDir, { recursive: true, force: true });
  if (controlFile) rmSync(controlFile, { force: true });
};

const starting = startStack({ port, devnetBasePort, dataDir, distDir: path.join(root, 'dist'), log: (line) => console.log(line) });

// A signal during start-up waits for the start to finish (or fail), then stops what runs. Later
// signals are ignored while stopping (a process group's SIGTERM can arrive twice: from the sender
// and relayed by tsx), so the devnet always gets to stop and the temporary data to go.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void starting
      .then((running) => running.stop(), () => undefined)
      .finally(removeRunFiles)
      .then(() => process.exit(0));
  });
}

let stack: Awaited<typeof starting>;
try {
  stack = await starting;
} catch (error) {
  console.error(`Parley could not start: ${error instanceof Error ? error.message : String(error)}`);
  removeRunFiles();
  process.exit(1);
}

// Before the readiness line, so a spec never finds the file missing once the server is up.
if (controlFile && stack.controlUrl && stack.controlToken) writeControlAccessFile(controlFile, { url: stack.controlUrl, token: stack.controlToken });

console.log(`Parley is running at ${stack.appUrl}`);
console.log(`Local Session network (devnet) seed: ${stack.seedUrl}`);
if (stack.controlUrl) {
  console.log(`Devnet fault-injection control: ${stack.controlUrl} (send Authorization: Bearer ${stack.controlToken}, new each run)`);
}
console.log(`Echo peer (answers every message): ${stack.echoPeerSessionId}`);
console.log(`Data: ${dataDir}${temporary ? ' (temporary, removed on stop)' : ''}`);
console.log('Press Ctrl-C to stop.');
