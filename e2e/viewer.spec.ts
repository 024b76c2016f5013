import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { createAccountThroughUi, messageRow, startConversation } from './support/app.ts';
import { png } from './support/png.ts';
import { recordWebm } from './support/video.ts';

/*
 * The viewer, video and thumbnails (docs/attachments.md, "Viewer, video and thumbnails"), in real
 * Chromium through the devnet's file server and onions: Alice sends Bob a 3000×2000 PNG, a small
 * WebM recorded in her page, and a "video/mp4" that is text. Bob's inline picture is a small
 * thumbnail, not the full image; the full image opens in the viewer and Esc gives focus back; the
 * video shows a poster made on his device and plays; the fake video stays a file card; and every
 * object URL made for a picture is revoked once the conversation is left.
 */
test.describe.configure({ timeout: 240_000 });

/** Counts the object URLs made for images and videos that are not revoked yet (set before the app loads). */
const TRACK_MEDIA_URLS = `(() => {
  const live = new Set();
  const create = URL.createObjectURL.bind(URL);
  const revoke = URL.revokeObjectURL.bind(URL);
  URL.createObjectURL = (object) => {
    const url = create(object);
    if (object instanceof Blob && /^(image|video)\\//.test(object.type)) live.add(url);
    return url;
  };
  URL.revokeObjectURL = (url) => {
    live.delete(url);
    revoke(url);
  };
  globalThis.liveMediaUrls = () => live.size;
})()`;

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

const natural = (image: Locator) => image.evaluate((element) => {
  const { naturalWidth, naturalHeight } = element as unknown as { naturalWidth: number; naturalHeight: number };
  return { width: naturalWidth, height: naturalHeight };
});

test('Bob sees a thumbnail, opens the full image in the viewer, and plays a video from its poster', async ({ browser }) => {
  // Alice in the dark theme: her file cards sit on her accent-coloured bubbles.
  const aliceContext = await browser.newContext({ colorScheme: 'dark' });
  const bobContext = await browser.newContext({ acceptDownloads: true });
  try {
    const alice = await aliceContext.newPage();
    await bobContext.addInitScript(TRACK_MEDIA_URLS);
    const bob = await bobContext.newPage();
    await createAccountThroughUi(alice, 'Alice');
    const bobAccount = await createAccountThroughUi(bob, 'Bob');
    const webm = await recordWebm(alice);

    await startConversation(alice, bobAccount.sessionId);
    await alice.getByRole('textbox', { name: 'Message' }).fill('pictures for Bob');
    await alice.locator('#composer-files').setInputFiles([
      { name: 'large.png', mimeType: 'image/png', buffer: png(3000, 2000) },
      { name: 'clip.webm', mimeType: 'video/webm', buffer: webm },
      { name: 'fake.mp4', mimeType: 'video/mp4', buffer: Buffer.from('<html><body>not a video</body></html>') },
    ]);
    const sent = messageRow(alice, 'pictures for Bob');
    await expect(sent.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 90_000 });
    // Alice's own video shows its poster from her device.
    await expect(sent.getByRole('button', { name: 'Play clip.webm' })).toBeVisible();
    expect(await seriousViolations(alice)).toEqual([]);

    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 90_000 });
    const received = messageRow(bob, 'pictures for Bob');
    await expect(received).toBeVisible({ timeout: 90_000 });
    // Room for the image is kept from the pointer's size before the download: the row does not jump.
    const frame = received.locator('[data-media-frame="0"]');
    const reserved = await frame.boundingBox();
    expect(reserved?.width).toBeGreaterThan(0);
    for (const name of ['large.png', 'clip.webm', 'fake.mp4']) await received.getByRole('button', { name: `Download ${name}` }).click();
    for (const name of ['large.png', 'clip.webm', 'fake.mp4']) await expect(received.getByRole('button', { name: `Save ${name}` })).toBeVisible({ timeout: 90_000 });

    // The inline picture is a thumbnail: laid out at the pointer's size, decoded small.
    const thumbnail = received.getByRole('img', { name: 'large.png' });
    await expect(thumbnail).toHaveAttribute('width', '3000');
    await expect(thumbnail).toHaveAttribute('height', '2000');
    await expect.poll(async () => (await natural(thumbnail)).width, { timeout: 30_000 }).toBeGreaterThan(0);
    expect((await natural(thumbnail)).width).toBeLessThanOrEqual(640);
    const shown = await frame.boundingBox();
    expect({ width: shown?.width, height: shown?.height }).toEqual({ width: reserved?.width, height: reserved?.height });

    // The video: a poster made on Bob's device, the size measured on Alice's and sent in the pointer.
    const poster = received.getByRole('img', { name: 'clip.webm' });
    await expect(poster).toBeVisible({ timeout: 30_000 });
    await expect(poster).toHaveAttribute('width', '64');
    await expect(poster).toHaveAttribute('height', '48');
    // A "video/mp4" whose bytes are not a video stays a card.
    await expect(received.getByRole('img', { name: 'fake.mp4' })).toHaveCount(0);
    await expect(received.getByRole('button', { name: 'Play fake.mp4' })).toHaveCount(0);

    // The full image in the viewer; Esc closes it and focus returns to the preview.
    const open = received.getByRole('button', { name: 'Open large.png full size' });
    await open.click();
    const viewer = bob.getByRole('dialog', { name: 'Viewing large.png' });
    await expect(viewer).toBeVisible();
    const full = viewer.getByRole('img', { name: 'large.png' });
    await expect(full).toBeVisible();
    expect(await natural(full)).toEqual({ width: 3000, height: 2000 });
    await expect(viewer.getByText('1 of 2')).toBeVisible();
    expect(await seriousViolations(bob)).toEqual([]);
    // The arrow keys step to the message's other picture, the video.
    await bob.keyboard.press('ArrowRight');
    await expect(bob.getByRole('dialog', { name: 'Viewing clip.webm' })).toBeVisible();
    await bob.keyboard.press('ArrowLeft');
    await expect(viewer).toBeVisible();
    await bob.keyboard.press('Escape');
    await expect(bob.getByRole('dialog')).toHaveCount(0);
    await expect(open).toBeFocused();
    // Enter on the focused preview opens it again; a click on the dark area around the picture closes.
    await bob.keyboard.press('Enter');
    await expect(viewer).toBeVisible();
    const area = (await viewer.boundingBox())!;
    await bob.mouse.click(area.x + 4, area.y + area.height - 4);
    await expect(bob.getByRole('dialog')).toHaveCount(0);
    await expect(open).toBeFocused();

    // The video plays in the viewer; Close gives focus back to its poster.
    const play = received.getByRole('button', { name: 'Play clip.webm' });
    await play.click();
    const video = bob.getByRole('dialog', { name: 'Viewing clip.webm' }).locator('video');
    await expect(video).toBeVisible();
    await expect.poll(() => video.evaluate((element) => (element as unknown as { currentTime: number }).currentTime), { timeout: 30_000 }).toBeGreaterThan(0);
    await bob.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await expect(bob.getByRole('dialog')).toHaveCount(0);
    await expect(play).toBeFocused();

    // Leaving the conversation revokes every object URL made for a picture (thumbnails, posters, the viewer's).
    expect(await bob.evaluate('liveMediaUrls()')).toBeGreaterThan(0);
    await bob.getByRole('button', { name: 'New conversation' }).click();
    await expect.poll(() => bob.evaluate('liveMediaUrls()')).toBe(0);
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});
