/**
 * `npm run devnet`: runs a local Session network until Ctrl-C.
 *
 *   npm run devnet -- --nodes 12 --swarms 2 --data .devnet --port 22100 --control-port 22099
 *   npm run devnet -- --reset --seed 00112233   (a fresh, reproducible network)
 *
 * Prints the seed URL (for desktop: LOCAL_DEVNET_SEED_URL=<seed url>), the node table, the
 * control URL and its per-start bearer token. Everything listens on 127.0.0.1 only.
 */
import { parseArgs } from 'node:util';
import { Devnet, type DevnetStarted } from './devnet.ts';

const USAGE = `usage: npm run devnet -- [options]
  --nodes <n>            service nodes (default 12)
  --swarms <n>           swarms (default 2)
  --data <dir>           data folder: keys, certificate, messages (default .devnet)
  --reset                wipe the data folder's network first
  --seed <hex>           derive node keys from this seed (reproducible network)
  --port <base>          seed on <base>, node i on <base>+1+i; 0 = any free ports (default 22100)
  --control-port <port>  fault-injection control port (default <base>-1, or any free port with --port 0)
  --hop-timeout <ms>     onion hop timeout (default 30000)
  --forward-timeout <ms> swarm forward timeout (default 5000)
  --no-rate-limit        turn off the per-IP limit on /storage_rpc/v1
  --help`;

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return parsed;
}

function printTable(started: DevnetStarted): void {
  const rows = started.nodes.map((node) => ({
    index: String(node.index),
    ed25519: `${node.ed25519Hex.slice(0, 12)}…`,
    x25519: `${node.x25519Hex.slice(0, 12)}…`,
    port: String(node.httpsPort),
    swarm: node.swarm,
  }));
  const columns = ['index', 'ed25519', 'x25519', 'port', 'swarm'] as const;
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((column) => row[column])));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string' },
      swarms: { type: 'string' },
      data: { type: 'string' },
      reset: { type: 'boolean' },
      seed: { type: 'string' },
      port: { type: 'string' },
      'control-port': { type: 'string' },
      'hop-timeout': { type: 'string' },
      'forward-timeout': { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const basePort = integer(values.port, 'port', 22100);
  const devnet = new Devnet({
    dataDir: values.data ?? '.devnet',
    nodeCount: integer(values.nodes, 'nodes', 12),
    swarmCount: integer(values.swarms, 'swarms', 2),
    reset: values.reset ?? false,
    deterministicSeed: values.seed,
    basePort,
    controlPort: integer(values['control-port'], 'control-port', basePort === 0 ? 0 : basePort - 1),
    hopTimeoutMs: integer(values['hop-timeout'], 'hop-timeout', 30_000),
    forwardTimeoutMs: integer(values['forward-timeout'], 'forward-timeout', 5_000),
    rateLimit: !values['no-rate-limit'],
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the devnet…`);
    devnet.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const started = await devnet.start();
  console.log(`seed:    ${started.seedUrl}   (desktop: LOCAL_DEVNET_SEED_URL=${started.seedUrl})`);
  console.log(`control: ${started.controlUrl ?? '(none)'}`);
  console.log(`files:   ${started.fileServer.url}   (onion requests v4 only; x25519 ${started.fileServer.x25519PublicKeyHex})`);
  if (started.controlToken) console.log(`         Authorization: Bearer ${started.controlToken}   (new each start)`);
  console.log('');
  printTable(started);
  console.log('\nCtrl-C stops the network; keys and messages stay in the data folder.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
