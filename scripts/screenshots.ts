/**
 * `npm run screenshots`: pictures of the main screens for the README, taken in headless Chromium
 * against the stack `npm start` runs (scripts/stack.ts: a devnet, the relay serving dist/, the echo
 * peer) on ports the OS picks and in a temporary folder, so it runs beside a running `npm start`.
 *
 * Every account in the pictures is made here and thrown away: no real recovery phrase is shown.
 * Writes docs/screenshots/<screen>-<narrow|wide>-<light|dark>.png. Needs dist/ (`npm run build`).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';
import { startStack } from './stack.ts';
import { STEP_TIMEOUT as TIMEOUT, finishCreate, phraseWords } from './ui-steps.ts';

const root = path.resolve(import.meta.dirname, '..');
const distDir = path.join(root, 'dist');
const outDir = path.join(root, 'docs', 'screenshots');

type Width = 'narrow' | 'wide';
type Scheme = 'light' | 'dark';
interface Variant {
  readonly width: Width;
  readonly scheme: Scheme;
}

const SIZES: Record<Width, { width: number; height: number }> = {
  narrow: { width: 390, height: 844 },
  wide: { width: 1280, height: 800 },
};
const ALL: readonly Variant[] = [
  { width: 'narrow', scheme: 'light' },
  { width: 'narrow', scheme: 'dark' },
  { width: 'wide', scheme: 'light' },
  { width: 'wide', scheme: 'dark' },
];
/** Most screens in two pictures, so that between them each is seen narrow and wide, light and dark. */
const TWO_A: readonly Variant[] = [
  { width: 'narrow', scheme: 'light' },
  { width: 'wide', scheme: 'dark' },
];
const TWO_B: readonly Variant[] = [
  { width: 'narrow', scheme: 'dark' },
  { width: 'wide', scheme: 'light' },
];

interface Stack {
  readonly appUrl: string;
  readonly echoSessionId: string;
  stop(): Promise<void>;
}

/** The stack `npm start` runs (scripts/stack.ts), on free ports, with its data in a temporary folder. */
async function startTemporaryStack(): Promise<Stack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-screenshots-'));
  try {
    const running = await startStack({ port: 0, devnetBasePort: 0, dataDir, distDir });
    return {
      appUrl: running.appUrl,
      echoSessionId: running.echoPeerSessionId,
      async stop() {
        await running.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Resizes and re-themes the page, lets it lay out, and saves one PNG. */
async function shoot(page: Page, screen: string, variants: readonly Variant[]): Promise<void> {
  for (const { width, scheme } of variants) {
    await page.setViewportSize(SIZES[width]);
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    // Two frames: one for the media change to restyle, one for anything measured after it (the virtual list).
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    const file = path.join(outDir, `${screen}-${width}-${scheme}.png`);
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
    console.log(`saved ${path.relative(root, file)}`);
  }
}

async function sendAndWaitForEcho(page: Page, text: string): Promise<void> {
  const field = page.getByLabel('Message', { exact: true });
  await field.fill(text);
  await field.press('Enter');
  await page.getByRole('log', { name: 'Messages' }).getByText(`echo: ${text}`, { exact: true }).waitFor({ timeout: TIMEOUT });
}

/**
 * A picture to send, painted in the page (a sky, a sun, hills) and returned as PNG bytes; source
 * text because this file is typechecked without the DOM library.
 */
const PAINT_PICTURE = `(async () => {
  const canvas = new OffscreenCanvas(1600, 1067);
  const context = canvas.getContext('2d');
  const sky = context.createLinearGradient(0, 0, 0, 1067);
  sky.addColorStop(0, '#2b5fa8');
  sky.addColorStop(0.6, '#f4a259');
  context.fillStyle = sky;
  context.fillRect(0, 0, 1600, 1067);
  context.fillStyle = '#ffe8a3';
  context.beginPath();
  context.arc(1100, 640, 140, 0, Math.PI * 2);
  context.fill();
  context.fillStyle = '#3d6b45';
  context.beginPath();
  context.moveTo(0, 1067);
  context.bezierCurveTo(300, 640, 700, 900, 1000, 760);
  context.bezierCurveTo(1250, 650, 1450, 820, 1600, 720);
  context.lineTo(1600, 1067);
  context.fill();
  const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
})()`;

/** The echo conversation with a photo and a file, then the photo in the full-size viewer. */
async function shootAttachments(page: Page): Promise<void> {
  await page.goto('/#/');
  await page.getByRole('link', { name: /echo: See you soon\./u }).click();
  const picture = Buffer.from((await page.evaluate(PAINT_PICTURE)) as string, 'base64');
  await page.getByLabel('Message', { exact: true }).fill('Photos from the weekend, and the plan');
  await page.locator('#composer-files').setInputFiles([
    { name: 'hills.png', mimeType: 'image/png', buffer: picture },
    { name: 'plan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% a plan for the screenshots\n') },
  ]);
  const log = page.getByRole('log', { name: 'Messages' });
  await log.getByText('echo: Photos from the weekend, and the plan', { exact: true }).waitFor({ timeout: TIMEOUT });
  await log.getByRole('img', { name: 'hills.png' }).waitFor({ timeout: TIMEOUT });
  await shoot(page, 'attachments', TWO_A);

  await log.getByRole('button', { name: 'Open hills.png full size' }).click();
  await page.getByRole('dialog', { name: 'Viewing hills.png' }).getByRole('img', { name: 'hills.png' }).waitFor({ timeout: TIMEOUT });
  await shoot(page, 'viewer', TWO_A);
  await page.keyboard.press('Escape');
}

async function main(browser: Browser, stack: Stack): Promise<void> {
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ baseURL: stack.appUrl, viewport: SIZES.narrow, reducedMotion: 'reduce' });
    return context.newPage();
  };

  // Onboarding: welcome, then Create's phrase step (a throwaway account, which becomes the one pictured below).
  const page = await newPage();
  await page.goto('/');
  await page.getByRole('button', { name: 'Create account' }).waitFor({ timeout: TIMEOUT });
  await shoot(page, 'welcome', TWO_A);
  await page.getByRole('button', { name: 'Create account' }).click();
  const words = await phraseWords(page);
  await shoot(page, 'create', TWO_A);
  await finishCreate(page, words, 'Alice');

  // Restore, with a misspelt word named.
  const restorePage = await newPage();
  await restorePage.goto('/');
  await restorePage.getByRole('button', { name: 'Restore from recovery phrase' }).click();
  const misspelt = words.map((word, index) => (index === 3 ? `xq${word.slice(2)}` : word)).join(' ');
  await restorePage.getByLabel('Recovery phrase').fill(misspelt);
  await restorePage.getByText(/^Word 4, /u).waitFor({ timeout: TIMEOUT });
  await shoot(restorePage, 'restore-error', TWO_B);
  await restorePage.context().close();

  // Unlock: an account with a passphrase, reopened, and a wrong passphrase refused.
  const lockedPage = await newPage();
  await lockedPage.goto('/');
  await lockedPage.getByRole('button', { name: 'Create account' }).click();
  await finishCreate(lockedPage, await phraseWords(lockedPage), 'Bob', 'correct horse battery staple');
  await lockedPage.reload();
  await lockedPage.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
  await lockedPage.getByRole('button', { name: 'Unlock' }).click();
  await lockedPage.getByText('That passphrase is not right. Try again.').waitFor({ timeout: TIMEOUT });
  await shoot(lockedPage, 'unlock', TWO_B);
  await lockedPage.context().close();

  // Home and a conversation with the echo peer.
  await page.getByRole('button', { name: 'Message the echo peer' }).click();
  for (const text of ['Hello! Is anyone there?', 'Parley works offline too.', 'See you soon.']) await sendAndWaitForEcho(page, text);
  await page.getByRole('img', { name: 'Sent' }).last().waitFor({ timeout: TIMEOUT });
  await shoot(page, 'conversation', ALL);

  await page.goto('/#/');
  await page.getByRole('link', { name: /echo: See you soon\./u }).waitFor({ timeout: TIMEOUT });
  await shoot(page, 'home', ALL);

  await page.goto('/#/new');
  // Half a Session ID, so that the field shows how it explains what is wrong.
  await page.getByLabel('Session ID', { exact: true }).fill(stack.echoSessionId.slice(0, 30));
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await page.getByText(/^A Session ID has 66 characters/u).waitFor({ timeout: TIMEOUT });
  await shoot(page, 'new-conversation', TWO_A);

  await page.goto('/#/account');
  await page.getByRole('region', { name: 'Session ID' }).waitFor({ timeout: TIMEOUT });
  await shoot(page, 'account', TWO_B);

  await page.goto('/#/settings');
  await page.getByRole('region', { name: 'About' }).getByText(/^\d+\.\d+\.\d+$/u).last().waitFor({ timeout: TIMEOUT });
  await shoot(page, 'settings', TWO_A);

  await page.goto('/#/network');
  // You, guard, hop, hop, service node: the path's last destination is known once a request went through.
  await page.getByRole('region', { name: 'Onion path' }).getByRole('listitem').nth(4).waitFor({ timeout: TIMEOUT });
  await shoot(page, 'network', TWO_B);

  await shootAttachments(page);
  // A voice message, recorded from Chromium's fake microphone (a generated beep).
  await page.context().grantPermissions(['microphone'], { origin: new URL(stack.appUrl).origin });
  // Still in the conversation with the echo peer, the viewer closed.
  await page.getByRole('button', { name: 'Record a voice message' }).click();
  await page.getByRole('timer').filter({ hasText: /^0:03$/u }).waitFor({ timeout: TIMEOUT });
  await page.getByRole('button', { name: 'Send voice message' }).click();
  const voice = page.getByRole('log', { name: 'Messages' }).locator('[data-message-id]').last();
  await voice.getByRole('img', { name: 'Sent' }).waitFor({ timeout: TIMEOUT });
  const position = voice.getByRole('slider', { name: 'Position in voice message' });
  await position.and(page.locator('[aria-valuetext$="of 0:03"]')).waitFor({ timeout: TIMEOUT });
  // Half way through, as if paused there: the waveform shows what was played.
  await position.fill('1.5');
  await voice.getByText('0:01 / 0:03', { exact: true }).waitFor({ timeout: TIMEOUT });
  await page.getByRole('textbox', { name: 'Message' }).focus();
  await shoot(page, 'voice', TWO_A);
  await page.context().close();
}

if (!existsSync(path.join(distDir, 'index.html'))) {
  console.error(`${distDir} has no index.html — run "npm run build" first`);
  process.exit(1);
}
await mkdir(outDir, { recursive: true });
const launchOptions = playwrightConfig.use?.launchOptions ?? {};
const stack = await startTemporaryStack();
let browser: Browser | undefined;
try {
  // Chromium's generated audio stream stands in for a microphone (the voice message picture).
  browser = await chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  await main(browser, stack);
} catch (error) {
  console.error('screenshots failed:', error);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await stack.stop();
}
