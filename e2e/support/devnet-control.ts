/**
 * The devnet's fault-injection control port, for specs: its URL and this run's bearer token come
 * from the file scripts/start.ts writes at DEVNET_CONTROL_FILE (set by playwright.config.ts).
 * Calls are made from the test's Node process, never from a page: the control port refuses
 * anything a browser sends (devnet/network/control-server.ts).
 *
 *   const devnet = devnetControl();
 *   await devnet.post('/nodes/3/fail503', { on: true });   …   await devnet.post('/nodes/3/clear');
 */
import { control, readControlAccessFile, type ControlAccess } from '../../devnet/testing/control-client.ts';

export interface DevnetControl {
  readonly access: ControlAccess;
  get(path: string): Promise<any>;
  post(path: string, body?: unknown): Promise<any>;
}

export function devnetControl(): DevnetControl {
  const file = process.env['DEVNET_CONTROL_FILE'];
  if (!file) throw new Error('DEVNET_CONTROL_FILE is not set: run the specs through playwright.config.ts');
  const access = readControlAccessFile(file);
  return {
    access,
    get: (path) => control(access, 'GET', path),
    post: (path, body) => control(access, 'POST', path, body ?? {}),
  };
}
