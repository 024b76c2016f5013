/**
 * Every relay endpoint under random requests, over raw TCP so that nothing tidies them up first:
 * random methods, paths, headers and bodies, framed honestly or not (a truncated body, a declared
 * length far over any cap, broken chunks), with bit flips, against fake upstreams that answer HTML,
 * garbage, path errors, endless answers, resets and silence.
 *
 * Each answer must be a well-formed HTTP response with a 2xx, 304 or 4xx status; a 5xx only as the
 * documented 502/503/504 of an upstream failure (with its X-Parley-Relay-Error code) or as a node's own
 * path error passed on. No answer at all only for a request that never finished. The relay never
 * logs a failed request, and still serves afterwards.
 */
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_ONION_REQUEST_BYTES, ONION_CONTENT_TYPE, RELAY_ERROR_HEADER, SEED_CONTENT_TYPE } from '../src/shared/relay-api.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../test/fuzz.ts';
import { API_CONTENT_SECURITY_POLICY } from './api-checks.ts';
import { createRelay } from './relay.ts';
import { devnetSeeds } from './seed-profiles.ts';
import { close, listen } from './server.ts';
import { call, postOnion } from './testing/http-call.ts';
import { afterBody, startFakeSeed, startFakeUpstream, type FakeUpstream } from './testing/fake-upstreams.ts';

/** What the fake node does, chosen by the first byte of the onion body it receives. */
const NODE_BEHAVIOURS = ['ok', 'html', 'path_error', 'bad_ciphertext', 'endless', 'reset', 'javascript', 'silent'] as const;
const NODE_ANSWER_CAP = 8 * 1024;
/** The relay's own 5xx, each with the only status it may come with. */
const UPSTREAM_FAILURES: Readonly<Record<string, number>> = {
  node_unreachable: 502,
  answer_too_large: 502,
  seeds_unavailable: 502,
  relay_busy: 503,
  node_timeout: 504,
};

let node: FakeUpstream;
let seed: FakeUpstream;
let relay: Server;
let relayUrl: string;
let port: number;
let workDir: string;
const failures: unknown[][] = [];

beforeAll(async () => {
  node = await startFakeUpstream(
    afterBody((_req, res, body) => {
      const behaviour = NODE_BEHAVIOURS[(body[0] ?? 0) % NODE_BEHAVIOURS.length]!;
      switch (behaviour) {
        case 'ok':
          return void res.end(body.subarray(1));
        case 'html':
          res.setHeader('Content-Type', 'text/html');
          return void res.end('<script>alert(document.domain)</script>');
        case 'path_error':
          res.statusCode = 502;
          return void res.end('Next node not found: 05ab');
        case 'bad_ciphertext':
          res.statusCode = 400;
          return void res.end('Invalid ciphertext');
        case 'endless': {
          const chunk = Buffer.alloc(4096, 0x42);
          const pump = () => {
            while (!res.destroyed && res.write(chunk));
          };
          res.on('drain', pump);
          return pump();
        }
        case 'reset':
          return void res.socket?.destroy();
        case 'javascript':
          res.setHeader('Content-Type', 'text/javascript');
          return void res.end('self.postMessage(1)');
        case 'silent':
          return; // the relay's node timeout ends it
      }
    }),
  );
  seed = await startFakeSeed(() => [node]);
  workDir = await mkdtemp(path.join(tmpdir(), 'parley-relay-fuzz-'));
  await writeFile(path.join(workDir, 'index.html'), '<!doctype html><title>app</title>');
  relay = createRelay({
    distDir: workDir,
    profile: devnetSeeds([seed.url]),
    log: () => undefined,
    corsOrigins: ['http://app.example'],
    // The caps and the node's timeout small, so that endless and silent nodes cost little; no rate
    // limit in the way of the routes behind it (relay-limits.test.ts tries that one).
    limits: {
      nodeAnswerBytes: NODE_ANSWER_CAP,
      nodeTimeoutMs: 200,
      seedTimeoutMs: 1_000,
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 2_000,
      clientBurst: 1e9,
      clientRefillPerSecond: 1e9,
      clientMaxConcurrent: 1_000,
    },
  });
  relayUrl = await listen(relay, 0, '127.0.0.1');
  port = Number(new URL(relayUrl).port);
  // The relay logs every request that threw on its way (server.ts): there must be none.
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void failures.push(args));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await close(relay);
  await node.close();
  await seed.close();
  await rm(workDir, { recursive: true, force: true });
});

type Framing = 'exact' | 'truncated' | 'huge_length' | 'chunked' | 'broken_chunks' | 'none';

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly framing: Framing;
  readonly body: Uint8Array;
}

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant('POST') },
  { weight: 3, arbitrary: fc.constant('GET') },
  { weight: 2, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'CONNECT', 'TRACE', 'post') },
  { weight: 1, arbitrary: token },
);

const onionPath = (): string => `/v1/onion/127.0.0.1:${node.port}`;
const pathArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('known node').map(() => onionPath()) },
  { weight: 3, arbitrary: fc.constantFrom('/v1/seed', '/v1/network', '/', '/index.html', '/v1/', '/v1/onion/', '/assets/x.js', '//evil.example:99999/x', '/%', '/..%2f..%2fetc/passwd', '//[::', '/?q=<script>') },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{0,30}$/).map((tail) => `/v1/onion/${tail}`) },
  { weight: 1, arbitrary: fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 70_000 })).map(([ip, p]) => `/v1/onion/${ip}:${p}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{0,40}$/).map((tail) => `/${tail}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/) }, // not even starting with a slash
);

const contentType = fc.constantFrom(ONION_CONTENT_TYPE, SEED_CONTENT_TYPE, 'Application/JSON; charset=utf-8', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ';;', '');
const origin = fc.constantFrom('own', 'http://app.example', 'http://evil.example', 'null', 'http://127.0.0.1', 'not a url');

const headersArb = fc
  .record(
    {
      contentType,
      origin,
      host: fc.constantFrom('own', 'own', 'own', 'own', 'other.example', ''),
      extra: fc.array(fc.tuple(token.map((t) => `x-${t}`), headerValue), { maxLength: 4 }),
      weird: fc.array(fc.tuple(fc.constantFrom('accept', 'user-agent', 'cookie', 'range', 'if-none-match', 'accept-encoding', 'sec-fetch-site'), headerValue), { maxLength: 3 }),
    },
    { requiredKeys: ['host', 'extra', 'weird'] },
  )
  .map(({ contentType: type, origin: from, host, extra, weird }) => {
    const headers: [string, string][] = [];
    // An empty Host stands for none: Node refuses a request without one (400), which is tried too.
    if (host !== '') headers.push(['Host', host === 'own' ? `127.0.0.1:${port}` : host]);
    if (type !== undefined) headers.push(['Content-Type', type]);
    if (from !== undefined) headers.push(['Origin', from === 'own' ? `http://127.0.0.1:${port}` : from]);
    return [...headers, ...extra, ...weird];
  });

const seedRequest = new TextEncoder().encode(JSON.stringify({ jsonrpc: '2.0', method: 'get_n_service_nodes', params: { active_only: true } }));

/** A body that means something to a route (a node behaviour byte, a seed request), or nothing at all, then bit-flipped. */
const bodyArb = fc
  .tuple(
    fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 })).map(([first, rest]) => Uint8Array.of(first, ...rest)),
      fc.constant(seedRequest),
      fc.uint8Array({ maxLength: 512 }),
      // Around the onion cap: made, not generated, so that the long run stays cheap.
      fc.integer({ min: MAX_ONION_REQUEST_BYTES - 2, max: MAX_ONION_REQUEST_BYTES + 2 }).map((size) => new Uint8Array(size)),
    ),
    fc.array(fc.nat(), { maxLength: 4 }),
  )
  .map(([body, flips]) => {
    const flipped = body.slice();
    for (const flip of flips) if (flipped.length > 0) flipped[flip % flipped.length]! ^= 1 << flip % 8;
    // A counterexample names its body by size and first bytes, not as 256 KiB of numbers.
    const shown = `<${flipped.length} bytes: ${Buffer.from(flipped.subarray(0, 24)).toString('hex')}${flipped.length > 24 ? '…' : ''}>`;
    return Object.defineProperty(flipped, fc.toStringMethod, { value: () => shown });
  });

const framingArb = fc.constantFrom<Framing>('exact', 'exact', 'exact', 'truncated', 'huge_length', 'chunked', 'broken_chunks', 'none');

/** Anything at all. */
const chaosArb: fc.Arbitrary<FuzzRequest> = fc.record({ method, path: pathArb, headers: headersArb, framing: framingArb, body: bodyArb });

/** What the app sends, with a random (often bit-flipped) body: it gets past the checks to the fake node or seed. */
const appLikeArb: fc.Arbitrary<FuzzRequest> = fc
  .record({ seed: fc.boolean(), origin: fc.boolean(), framing: fc.constantFrom<Framing>('exact', 'exact', 'chunked', 'truncated'), body: bodyArb })
  .map(({ seed: toSeed, origin: withOrigin, framing, body }) => ({
    method: 'POST',
    path: toSeed ? '/v1/seed' : onionPath(),
    headers: [
      ['Host', `127.0.0.1:${port}`],
      ['Content-Type', toSeed ? SEED_CONTENT_TYPE : ONION_CONTENT_TYPE],
      ...(withOrigin ? [['Origin', `http://127.0.0.1:${port}`] as const] : []),
    ],
    framing,
    body,
  }));

const requestArb = fc.oneof({ weight: 2, arbitrary: appLikeArb }, { weight: 3, arbitrary: chaosArb });

/** The request's bytes, framed as asked, always with `Connection: close` so that one answer ends it. */
function wire(request: FuzzRequest): Buffer {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, ...request.headers.map(([name, value]) => `${name}: ${value}`), 'Connection: close'];
  const body = Buffer.from(request.body);
  let payload = Buffer.alloc(0);
  switch (request.framing) {
    case 'exact':
      lines.push(`Content-Length: ${body.length}`);
      payload = body;
      break;
    case 'truncated':
      lines.push(`Content-Length: ${body.length + 1 + (body.length % 1000)}`);
      payload = body;
      break;
    case 'huge_length':
      lines.push('Content-Length: 9007199254740991');
      payload = body;
      break;
    case 'chunked':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
      if (body.length === 0) payload = Buffer.from('0\r\n\r\n');
      break;
    case 'broken_chunks':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from('zz\r\n'), body]);
      break;
    case 'none':
      break;
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

/**
 * Sends the bytes and reads until the relay closes (`Connection: close`); a hang fails the case. A
 * request that cannot finish is followed by a half-close, as from a client that gives up (a
 * complete one is not: Node drops the answers still being made when its client half-closes).
 */
function exchange(bytes: Buffer, givesUp: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const hang = setTimeout(() => {
      socket.destroy();
      reject(new Error('the relay neither answered nor closed the connection within 10 s'));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset is a close; what was read so far is judged
    socket.on('close', () => {
      clearTimeout(hang);
      resolve(Buffer.concat(chunks));
    });
    if (givesUp) socket.end(bytes);
    else socket.write(bytes);
  });
}

interface Parsed {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
}

/** The first final response's status line and headers, or a description of what is wrong with it. */
function parseResponse(raw: Buffer): Parsed | string {
  let text = raw.toString('latin1');
  for (;;) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return `no complete header block in ${JSON.stringify(text.slice(0, 200))}`;
    const [statusLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
    const match = /^HTTP\/1\.1 (\d{3}) [^\r\n]*$/.exec(statusLine);
    if (!match) return `bad status line ${JSON.stringify(statusLine)}`;
    const status = Number(match[1]);
    if (status >= 100 && status < 200) {
      text = text.slice(end + 4);
      continue;
    }
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon <= 0) return `bad header line ${JSON.stringify(line)}`;
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    return { status, headers };
  }
}

function unfinished(request: FuzzRequest): boolean {
  return request.framing === 'truncated' || request.framing === 'huge_length' || request.framing === 'broken_chunks';
}

/** Why this answer breaks a promise, or undefined when it keeps them all. */
function judge(request: FuzzRequest, raw: Buffer): string | undefined {
  if (raw.length === 0) return unfinished(request) ? undefined : 'no answer to a complete request';
  const parsed = parseResponse(raw);
  if (typeof parsed === 'string') return parsed;
  const { status, headers } = parsed;
  const relayError = headers.get(RELAY_ERROR_HEADER.toLowerCase());
  const pathname = request.path.split('?')[0]!;
  if (relayError !== undefined) {
    if (headers.get('content-security-policy') !== API_CONTENT_SECURITY_POLICY) return `relay error ${relayError} without the sandbox CSP`;
    if (status >= 500 && UPSTREAM_FAILURES[relayError] !== status) return `${status} with relay error ${relayError}`;
  }
  if (status >= 500) {
    // A node's own path error, passed on unchanged, is the only 5xx without the relay's code.
    const nodesOwn = relayError === undefined && status === 502 && pathname === onionPath();
    if (relayError === undefined && !nodesOwn) return `a ${status} of the relay's own`;
  } else if (!(status >= 200 && status < 300) && status !== 304 && !(status >= 400 && status < 500)) {
    return `status ${status}`;
  }
  if (pathname === onionPath() && status === 200 && request.method === 'POST' && headers.get('content-type') !== ONION_CONTENT_TYPE) {
    return `a forwarded answer typed ${headers.get('content-type')}`;
  }
  return undefined;
}

describe('relay endpoints under random requests', () => {
  it(
    'answer every request well-formed with a 2xx/4xx (or a documented upstream 502/503/504), and keep serving',
    async () => {
      await fc.assert(
        fc.asyncProperty(requestArb, async (request) => {
          failures.length = 0;
          const raw = await exchange(wire(request), unfinished(request));
          const problem = judge(request, raw);
          if (problem !== undefined) throw new Error(`${problem} for ${request.method} ${request.path} (${request.framing})`);
          if (failures.length > 0) throw new Error(`the relay logged a failed request: ${String(failures[0])}`);
        }),
        fuzzParameters(150),
      );
      // Still serving: the network name, and a forward to the node (behaviour 0: echo the rest).
      expect((await call(`${relayUrl}v1/network`, 'GET')).status).toBe(200);
      const forwarded = await postOnion(relayUrl, node.port, Uint8Array.of(0, 0x68, 0x69));
      expect(forwarded.status).toBe(200);
      expect(forwarded.body.toString()).toBe('hi');
    },
    fuzzTimeoutMs(60_000),
  );
});
