/**
 * Starts a Devnet for one test file: a fresh temporary data folder, OS-assigned ports, short
 * timeouts; `stop()` closes everything and removes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Devnet, type DevnetOptions, type DevnetStarted } from '../devnet.ts';

export interface TestDevnet {
  readonly devnet: Devnet;
  readonly started: DevnetStarted;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export async function startTestDevnet(options: Partial<DevnetOptions> = {}): Promise<TestDevnet> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-devnet-'));
  const devnet = new Devnet({
    nodeCount: 8,
    swarmCount: 2,
    hopTimeoutMs: 1500,
    forwardTimeoutMs: 1000,
    proxyTimeoutMs: 1500,
    ...options,
    dataDir,
  });
  const started = await devnet.start();
  return {
    devnet,
    started,
    dataDir,
    async stop() {
      await devnet.stop();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The port of a URL such as the seed's. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}
