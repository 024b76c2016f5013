import { describe, expect, it } from 'vitest';
import { checkNamespaces, checkPubkey, checkStoreRequest, deletedHashes, readMessages, type StoreRequest } from './storage-shapes.ts';
import { codeOf } from '../../../test/expect-code.ts';
import { MAX_MESSAGE_DATA_BASE64, RETRIEVE_MAX_COUNT } from './storage-limits.ts';

const HASH = 'A'.repeat(43);
const message = (over: Record<string, unknown> = {}) => ({ hash: HASH, data: 'aGk=', timestamp: 5, expiration: 9, ...over });

describe('storage answers', () => {
  it('reads retrieve messages, skipping malformed ones', () => {
    const body = {
      messages: [
        message(),
        message({ hash: 'short' }),
        message({ hash: 7 }),
        message({ data: '!!!' }),
        message({ data: undefined }),
        message({ timestamp: '5' }),
        message({ expiration: undefined }),
        null,
        'x',
      ],
      more: true,
    };
    expect(readMessages(body)).toEqual({
      messages: [{ hash: HASH, data: new Uint8Array([104, 105]), timestamp: 5, expiration: 9 }],
      more: true,
      refused: 8,
    });
    expect(readMessages({ messages: [], more: 'yes' })).toEqual({ messages: [], more: false, refused: 0 });
    for (const junk of [undefined, 'text', { messages: {} }, []]) expect(readMessages(junk)).toEqual({ messages: [], more: false, refused: 0 });
  });

  it('takes at most RETRIEVE_MAX_COUNT entries of an answer; the rest are refused unread (issue 9, hole 6)', () => {
    const flood = Array.from({ length: RETRIEVE_MAX_COUNT + 250 }, () => message());
    const read = readMessages({ messages: flood, more: false });
    expect(read.messages).toHaveLength(RETRIEVE_MAX_COUNT);
    expect(read.refused).toBe(250);
  });

  it('refuses an entry whose data is over the network message limit, before decoding it (issue 9, hole 6)', () => {
    const largest = 'A'.repeat(MAX_MESSAGE_DATA_BASE64);
    const read = readMessages({ messages: [message({ data: largest }), message({ data: largest + 'AAAA' })] });
    expect(read.messages.map((m) => m.data.length)).toEqual([76_800]);
    expect(read.refused).toBe(1);
  });

  it('collects delete_all hashes from every swarm entry, per namespace or flat', () => {
    const body = {
      swarm: {
        a: { deleted: { '0': ['h1', 'h2'], '2': ['h3'] }, signature: 's' },
        b: { deleted: ['h2', 'h1'] },
        c: { failed: true, timeout: true },
      },
    };
    expect(deletedHashes(body)).toEqual(['h1', 'h2', 'h3']);
    expect(deletedHashes({})).toEqual([]);
    expect(deletedHashes('x')).toEqual([]);
  });
});

describe('storage request checks', () => {
  const valid: StoreRequest = { namespace: 0, ttl: 60_000, dataBase64: 'aGk=' };

  it('accept a valid request and lower-case the pubkey', () => {
    expect(() => checkStoreRequest(valid)).not.toThrow();
    expect(checkPubkey('05' + 'AB'.repeat(32), 'pubkey')).toBe('05' + 'ab'.repeat(32));
  });

  it('name the parameter of every bad field', () => {
    const cases: [Partial<Record<keyof StoreRequest, unknown>>, string][] = [
      [{ namespace: 40_000 }, 'request.namespace'],
      [{ namespace: 1.5 }, 'request.namespace'],
      [{ ttl: 0 }, 'request.ttl'],
      [{ dataBase64: '' }, 'request.dataBase64'],
      [{ dataBase64: 'a'.repeat(102_404) }, 'request.dataBase64'],
      [{ dataBase64: 'not base64!' }, 'request.dataBase64'],
      [{ dataBase64: new Uint8Array(2) }, 'request.dataBase64'],
      [{ timestamp: -1 }, 'request.timestamp'],
    ];
    for (const [override, param] of cases) {
      expect(codeOf(() => checkStoreRequest({ ...valid, ...override } as StoreRequest), 'param')).toBe(`invalid_argument:${param}`);
    }
    expect(codeOf(() => checkStoreRequest(null as unknown as StoreRequest), 'param')).toBe('invalid_argument:request');
    expect(codeOf(() => checkPubkey('05ab', 'pubkey'), 'param')).toBe('invalid_argument:pubkey');
    expect(codeOf(() => checkPubkey(5, 'pubkey'), 'param')).toBe('invalid_argument:pubkey');
  });

  it('namespaces: 1 to 20 distinct int16 values', () => {
    expect(() => checkNamespaces([0, 2, 3, 4, 5])).not.toThrow();
    expect(codeOf(() => checkNamespaces([]), 'param')).toBe('invalid_argument:namespaces');
    expect(codeOf(() => checkNamespaces(Array.from({ length: 21 }, (_, i) => i)), 'param')).toBe('invalid_argument:namespaces');
    expect(codeOf(() => checkNamespaces([0, 0]), 'param')).toBe('invalid_argument:namespaces');
    expect(codeOf(() => checkNamespaces([0, 32_768]), 'param')).toBe('invalid_argument:namespaces[1]');
  });
});
