/**
 * How a test in another process drives the devnet's control port (devnet/network/control-server.ts):
 * its URL and per-run bearer token (`ControlAccess`), a call that sends the token, and the small
 * file through which `npm start` hands both to Playwright's specs (DEVNET_CONTROL_FILE, written by
 * scripts/start.ts, read by e2e/support/devnet-control.ts). Test and tooling code (Node APIs).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';

export interface ControlAccess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** What `Authorization: Bearer` must carry. */
  readonly token: string;
}

export interface ControlAnswer {
  readonly status: number;
  /** The parsed JSON body (every control answer is JSON), or undefined when it was not JSON. */
  readonly json: any;
  readonly text: string;
}

export interface ControlCallOptions {
  /** A JSON body (sent with `Content-Type: application/json`); a string is sent as it is. */
  readonly body?: unknown;
  /** Extra or replacing headers (tests use them to send a wrong Host, an Origin, a bad token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Leave the Authorization header out. */
  readonly withoutToken?: boolean;
  readonly timeoutMs?: number;
}

/** One control request; resolves with whatever the control port answered. */
export function controlCall(access: ControlAccess, method: string, path: string, options: ControlCallOptions = {}): Promise<ControlAnswer> {
  // The path goes out as given (not resolved against the URL: "//x" would become a host).
  const base = new URL(access.url);
  const body = options.body === undefined ? undefined : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  const headers: Record<string, string> = {
    ...(options.withoutToken ? {} : { Authorization: `Bearer ${access.token}` }),
    ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: parseJson(text), text });
      });
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer from the control port ${access.url} in time`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Like controlCall, but throws unless the answer is 200; resolves with the JSON. */
export async function control(access: ControlAccess, method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const answer = await controlCall(access, method, path, method === 'POST' ? { body: body ?? {} } : {});
  if (answer.status !== 200) throw new Error(`control ${method} ${path} answered ${answer.status}: ${answer.text}`);
  return answer.json;
}

/** Writes `{url, token}` to `file` (mode 0600, whole: written aside, then renamed over). */
export function writeControlAccessFile(file: string, access: ControlAccess): void {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify({ url: access.url, token: access.token })}\n`, { mode: 0o600 });
  renameSync(aside, file);
}

/** Reads what writeControlAccessFile wrote; throws with the file's name when it is missing or malformed. */
export function readControlAccessFile(file: string): ControlAccess {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the devnet control file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { url, token } = (parsed ?? {}) as { url?: unknown; token?: unknown };
  if (typeof url !== 'string' || typeof token !== 'string') throw new Error(`the devnet control file ${file} has no url and token`);
  return { url, token };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
