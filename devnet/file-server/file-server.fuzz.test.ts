/**
 * The file server's v4 routing on junk (what a client puts inside its onion is untrusted): random
 * methods, endpoints near the real ones (ids with path tricks, queries, encodings), headers with odd
 * X-FS-TTL values and bodies. Every request gets a reply with a known code and a JSON or byte body,
 * nothing throws, and nothing but `<id>.bin`/`<id>.json` pairs ever appears in the files folder.
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_ID_PATTERN } from '../../src/shared/file-server-api.ts';
import { ready } from '../../wasm/sodium.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../../test/fuzz.ts';
import { keysFromSeed } from '../network/node-keys.ts';
import { fileIdOf } from './file-id.ts';
import { FileServer } from './file-server.ts';
import { FileStore } from './file-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-file-fuzz-'));
let server: FileServer;
let knownId: string;

beforeAll(async () => {
  await ready();
  const store = new FileStore(dir, () => Date.now());
  server = new FileServer(keysFromSeed(new Uint8Array(32).fill(7)), store);
  knownId = store.put(new Uint8Array([1, 2, 3]), 3600).id;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CODES = new Set([200, 400, 404, 405, 413]);

const idLike = fc.oneof(
  fc.constant(() => knownId),
  fc.constant(() => fileIdOf(new Uint8Array([9]))),
  fc.string({ maxLength: 50 }).map((s) => () => s),
  fc.constantFrom('..', '../keys.json', '%2e%2e', 'a/b', '', '.', 'A'.repeat(44) + '.bin', '12345', '0').map((s) => () => s),
);

const endpoint = fc.oneof(
  fc.constant(() => '/file'),
  idLike.map((id) => () => `/file/${id()}`),
  fc.tuple(idLike, fc.constantFrom('extend', 'info', 'other', '')).map(([id, verb]) => () => `/file/${id()}/${verb}`),
  fc.tuple(fc.constantFrom('/file', '/file/x'), fc.string({ maxLength: 20 })).map(([p, q]) => () => `${p}?${q}`),
  fc.string({ maxLength: 40 }).map((s) => () => `/${s}`),
);

describe('FileServer.route on junk', () => {
  it('answers every request with a known code, and writes only id-named files', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'get', 'post', 'X'),
        endpoint,
        fc.dictionary(fc.constantFrom('X-FS-TTL', 'x-fs-ttl', 'Content-Type', 'other'), fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String))),
        fc.option(fc.uint8Array({ maxLength: 300 })),
        (method, makeEndpoint, headers, body) => {
          const reply = server.route({ method, endpoint: makeEndpoint(), headers, ...(body === null ? {} : { body }) });
          expect(CODES.has(reply.code), `code ${reply.code}`).toBe(true);
          if (reply.code !== 200 || reply.headers['content-type'] === 'application/json') {
            expect(() => JSON.parse(new TextDecoder().decode(reply.body))).not.toThrow();
          }
        },
      ),
      fuzzParameters(300),
    );
    for (const name of readdirSync(dir)) {
      expect(name).toMatch(/\.(bin|json)$/);
      expect(name.replace(/\.(bin|json)$/, '')).toMatch(FILE_ID_PATTERN);
    }
  }, fuzzTimeoutMs(30_000));
});
