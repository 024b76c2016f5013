/**
 * Fuzzing how the client reads what a service node answers to its storage RPCs, after the onion
 * reply is opened (storage-shapes.ts, destination-errors.ts, snode-records.ts, network-time.ts):
 * any JSON value, retrieve answers whose entries have every field of the wrong type or size, and the
 * text of a real answer cut and flipped (parsed as onion-request.ts does: JSON, else the text).
 * Nothing here may throw: a malformed answer is read as empty, an entry as refused, and a failing
 * status as a coded network error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textMutationOf } from '../../../test/fuzz-inputs.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../../../test/fuzz.ts';
import { isParleyError, type NetworkErrorCode } from '../../shared/errors.ts';
import { destinationError, nodeNotFound, subRequestFailure } from './destination-errors.ts';
import { serverTimeOf } from './network-time.ts';
import { parseServiceNodeStates, parseSwarmSnodes } from './snode-records.ts';
import { MAX_MESSAGE_DATA_BASE64, RETRIEVE_MAX_COUNT } from './storage-limits.ts';
import { deletedHashes, firstResultBody, MESSAGE_HASH, readMessages } from './storage-shapes.ts';

const HASH = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE';
const target = { ed25519Hex: 'aa'.repeat(32), x25519Hex: 'bb'.repeat(32), ip: '10.0.0.1', port: 22021 };
const NETWORK_CODES: ReadonlySet<NetworkErrorCode> = new Set(['snode_not_found', 'wrong_swarm', 'clock_out_of_sync', 'snode_unavailable', 'request_failed']);

/** A retrieve entry with each field right, of the wrong type, or of the wrong size. */
const entry = fc.oneof(
  { arbitrary: fc.anything(), weight: 1 },
  {
    arbitrary: fc.record(
      {
        hash: fc.oneof(fc.constant(HASH), fc.string({ maxLength: 50 }), fc.anything()),
        data: fc.oneof(
          fc.base64String({ maxLength: 64 }),
          fc.constant('A'.repeat(MAX_MESSAGE_DATA_BASE64 + 4)),
          fc.string({ maxLength: 20 }),
          fc.anything(),
        ),
        timestamp: fc.oneof(fc.integer(), fc.double(), fc.anything()),
        expiration: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      },
      { requiredKeys: [] },
    ),
    weight: 6,
  },
);
const retrieveAnswer = fc.record(
  {
    messages: fc.oneof(fc.array(entry, { maxLength: 12 }), fc.anything()),
    more: fc.anything(),
    t: fc.anything(),
  },
  { requiredKeys: [] },
);

/** The text of a real batch answer, as the destination sends it inside the onion reply. */
const realAnswerText = JSON.stringify({
  results: [
    {
      code: 200,
      body: { messages: [{ hash: HASH, timestamp: 1, expiration: 2, data: 'aGk=' }], more: false, t: 1_700_000_000_000, hf: [19, 3] },
    },
  ],
});

/** onion-request.ts's reading of an answer body: JSON when it parses, else the text itself. */
function parseLikeTheClient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every reader of an answer, on `body`: none throws, and each result keeps its promises. */
function readEverything(body: unknown): void {
  const read = readMessages(body);
  expect(read.messages.length).toBeLessThanOrEqual(RETRIEVE_MAX_COUNT);
  for (const message of read.messages) {
    expect(message.hash).toMatch(MESSAGE_HASH);
    expect(message.data.length).toBeLessThanOrEqual(76_800);
    expect(typeof message.timestamp === 'number' && typeof message.expiration === 'number').toBe(true);
  }
  const entries = typeof body === 'object' && body !== null ? (body as { messages?: unknown }).messages : undefined;
  expect(read.messages.length + read.refused).toBe(Array.isArray(entries) ? entries.length : 0);

  expect(typeof firstResultBody({ body })).toBe('object');
  expect(deletedHashes(body).every((h) => typeof h === 'string')).toBe(true);
  const failure = subRequestFailure(body);
  if (failure !== undefined) expect(Number.isInteger(failure.status)).toBe(true);
  const key = nodeNotFound(body);
  if (key !== undefined) expect(key).toMatch(/^[0-9a-f]{64}$/);
  for (const status of [200, 400, 421, 502]) {
    const error = destinationError(status, body, target, new Set([target.ed25519Hex]));
    expect(isParleyError(error) && NETWORK_CODES.has(error.code as NetworkErrorCode)).toBe(true);
  }
  const swarm = parseSwarmSnodes(body);
  if (swarm !== undefined) expect(Array.isArray(swarm)).toBe(true);
  expect(Array.isArray(parseServiceNodeStates(body))).toBe(true);
  const t = serverTimeOf(body);
  if (t !== undefined) expect(typeof t).toBe('number');
}

describe('storage-RPC answers in the client', () => {
  it(
    'any value at all',
    () => {
      fc.assert(fc.property(fc.anything(), readEverything), fuzzParameters(300));
    },
    fuzzTimeoutMs(10_000),
  );

  it(
    'retrieve answers with entries of every wrong type and size, alone and inside a batch',
    () => {
      fc.assert(
        fc.property(retrieveAnswer, fc.integer({ min: 100, max: 599 }), (answer, code) => {
          readEverything(answer);
          readEverything({ results: [{ code, body: answer }] });
        }),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(10_000),
  );

  it(
    'the text of a real answer cut and flipped, read as the client reads it',
    () => {
      expect(readMessages(firstResultBody({ body: parseLikeTheClient(realAnswerText) })).messages).toHaveLength(1);
      fc.assert(
        fc.property(textMutationOf(realAnswerText), (text) => {
          const body = parseLikeTheClient(text);
          readEverything(body);
          readEverything(firstResultBody({ body }));
        }),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(10_000),
  );
});
