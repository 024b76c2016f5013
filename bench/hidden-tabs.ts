/**
 * A headless Chromium in which a tab can be really hidden: Chromium itself treats it as a background
 * tab (document.visibilityState 'hidden', its timers throttled as a background page's are), rather
 * than the page being told so.
 *
 * Two things keep every page of a Playwright-launched Chromium visible, and this avoids both:
 * - Playwright launches Chromium with --disable-background-timer-throttling,
 *   --disable-renderer-backgrounding and --disable-backgrounding-occluded-windows: here Chromium is
 *   started by us, with the flags of playwright.config.ts only;
 * - Playwright turns on focus emulation (Emulation.setFocusEmulationEnabled) in every page it
 *   drives, and Chromium keeps a page with focus emulation visible whatever tab is in front. Pages
 *   in the browser's default context, reached through `connectOverCDP(…, { noDefaults: true })`,
 *   are left alone. Pages of `newContext()` contexts still get it, so they stay visible: the
 *   people who send are there.
 *
 * All tabs of headless Chromium are in one window, so a tab is hidden by bringing another one (an
 * empty "cover" tab) to the front: what a person does when they switch to another tab.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';

export class HiddenTabsBrowser {
  readonly #userDataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-chromium-'));
  #process: ChildProcess | undefined;
  #browser: Browser | undefined;
  #cover: Page | undefined;

  get browser(): Browser {
    if (this.#browser === undefined) throw new Error('HiddenTabsBrowser.launch() first');
    return this.#browser;
  }

  /** The default context: its pages can be hidden. */
  get backgroundable(): BrowserContext {
    return this.browser.contexts()[0]!;
  }

  async launch(): Promise<void> {
    const launchOptions = playwrightConfig.use?.launchOptions ?? {};
    const executable = launchOptions.executablePath ?? '/usr/bin/chromium';
    const args = [...(launchOptions.args ?? []), '--remote-debugging-port=0', `--user-data-dir=${this.#userDataDir}`, 'about:blank'];
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#process = child;
    const endpoint = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not start its DevTools endpoint in 30 s: ${seen.slice(-500)}`)), 30_000);
      child.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before its DevTools endpoint: ${seen.slice(-500)}`)));
      child.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
    });
    child.stderr!.resume(); // keep draining it, or Chromium blocks on a full pipe
    this.#browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  }

  /** Brings an empty tab to the front: every other tab of the default context is now a background tab. */
  async hideBackgroundableTabs(): Promise<void> {
    this.#cover ??= await this.backgroundable.newPage();
    await this.#cover.bringToFront();
  }

  /** Closes Chromium (through the DevTools protocol, else by signal) and removes its profile. */
  async close(): Promise<void> {
    const child = this.#process;
    const exited = new Promise<void>((resolve) => {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    const within = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
    if (this.#browser !== undefined) {
      // Disconnecting alone would leave a browser we launched ourselves running.
      const session = await this.#browser.newBrowserCDPSession().catch(() => undefined);
      await session?.send('Browser.close').catch(() => undefined);
      await this.#browser.close().catch(() => undefined);
    }
    if (child !== undefined && !(await within(10_000))) {
      child.kill('SIGTERM');
      if (!(await within(5_000))) child.kill('SIGKILL');
      await within(5_000);
    }
    // Chromium's helper processes may still be writing the profile for a moment: retry.
    rmSync(this.#userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
