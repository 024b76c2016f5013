import { expect, test } from '@playwright/test';
import { controlCall } from '../devnet/testing/control-client.ts';
import { devnetControl } from './support/devnet-control.ts';

/*
 * The specs' way to the devnet's fault-injection port: the stack wrote its URL and this run's token
 * (scripts/start.ts → DEVNET_CONTROL_FILE), a spec's Node process uses them, and nothing else —
 * no token, or a web page even with the token — gets to stop a node. The server-side checks
 * (Host, Origin, token) are tested in devnet/network/control-server.devnet.test.ts.
 */
test('a spec drives the devnet through the control port with this run’s token; a page cannot', async ({ page }) => {
  const devnet = devnetControl();
  const overview = await devnet.get('/');
  expect(overview.nodes.length).toBeGreaterThan(0);
  expect(overview.nodes[0].running).toBe(true);

  const delayed = await devnet.post('/nodes/0/delay', { ms: 5 });
  expect(delayed.faults.delayMs).toBe(5);
  expect((await devnet.post('/nodes/0/clear')).faults.delayMs).toBe(0);

  expect((await controlCall(devnet.access, 'POST', '/nodes/0/stop', { body: {}, withoutToken: true })).status).toBe(401);

  // A page that knows even the token is refused: the browser adds Origin (and Sec-Fetch-Site).
  await page.goto('about:blank');
  const fromPage = await page.evaluate(async ({ url, token }) => {
    try {
      const answer = await fetch(`${url}/nodes/0/stop`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: '{}',
      });
      return `answered ${answer.status}`;
    } catch {
      return 'refused';
    }
  }, devnet.access);
  expect(fromPage).toBe('refused');
  expect((await devnet.get('/nodes/0')).running).toBe(true);
});
