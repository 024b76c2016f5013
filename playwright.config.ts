import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests run the built app (dist/) on the same stack `npm start` runs (scripts/start.ts:
 * devnet, relay, echo peer), on fresh temporary data and free devnet ports, in Debian's Chromium:
 * no browser is downloaded. `npm test` builds before it runs these. Specs learn what they need of
 * the stack from the relay itself (`GET /v1/network` names the echo peer), and the devnet's control
 * port (fault injection) from the file named by DEVNET_CONTROL_FILE (e2e/support/devnet-control.ts).
 */
const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  throw new Error(
    `Chromium not found at ${chromiumPath}. The end-to-end tests use the system's Chromium: install it with ` +
      '`apt-get update && apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome executable.',
  );
}

// E2E_PORT lets several checkouts run their end-to-end tests side by side on one machine.
const PORT = Number(process.env['E2E_PORT'] ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;

// Where the stack writes its devnet control port's URL and per-run token (scripts/start.ts), and
// where the specs read them (e2e/support/devnet-control.ts). Set here, before the workers start,
// so they inherit it; one file per E2E_PORT, like the server.
const DEVNET_CONTROL_FILE = path.join(tmpdir(), `parley-e2e-devnet-control-${PORT}.json`);
process.env['DEVNET_CONTROL_FILE'] = DEVNET_CONTROL_FILE;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env['CI']),
  timeout: 30_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results',
  reporter: [['list'], ['json', { outputFile: '.reports/playwright.json' }]],
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: {
    // Node with tsx's loader rather than the tsx CLI: the CLI relays signals to its child and
    // SIGKILLs it when the relay races, which left the devnet's temporary data behind.
    command: 'node --import tsx scripts/start.ts',
    env: { PORT: String(PORT), DEVNET_PORT: '0', TEMP_DATA: '1', DEVNET_CONTROL_FILE },
    // Printed once every service runs, the echo peer included (scripts/start.ts).
    wait: { stdout: /Parley is running at / },
    url: `${BASE_URL}/`,
    reuseExistingServer: !process.env['CI'],
    timeout: 60_000,
    // SIGTERM, not the default SIGKILL: the devnet stops and the temporary data is removed.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
