import { describe, it, expect, beforeAll } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { expose, wrap, type Endpoint } from 'comlink';
import { ParleyError, isParleyError } from '../shared/errors.ts';
import {
  deserializeParleyError,
  isWireParleyError,
  registerErrorTransfer,
  serializeParleyError,
} from './errors-transfer.ts';

describe('ParleyError wire format', () => {
  it('round-trips code, message and details', () => {
    const original = new ParleyError('mnemonic_unknown_word', 'word 4 is not in the list', { index: 4, word: 'zzz' });
    const wire = serializeParleyError(original);
    expect(isWireParleyError(wire)).toBe(true);
    const rebuilt = deserializeParleyError(structuredClone(wire));
    expect(rebuilt).toBeInstanceOf(ParleyError);
    expect(rebuilt.code).toBe('mnemonic_unknown_word');
    expect(rebuilt.message).toBe('word 4 is not in the list');
    expect(rebuilt.details).toEqual({ index: 4, word: 'zzz' });
    expect(isParleyError(rebuilt, 'mnemonic_unknown_word')).toBe(true);
  });

  it('survives structured clone (no class instances, no functions)', () => {
    const wire = serializeParleyError(new ParleyError('decrypt_failed', 'x'));
    expect(structuredClone(wire)).toEqual(wire);
  });

  it('does not share the details object with the original', () => {
    const details = { n: 1 };
    const wire = serializeParleyError(new ParleyError('invalid_argument', 'x', details));
    expect(wire.details).not.toBe(details);
  });

  it('recognises only its own shape', () => {
    expect(isWireParleyError(null)).toBe(false);
    expect(isWireParleyError(undefined)).toBe(false);
    expect(isWireParleyError('parleyError')).toBe(false);
    expect(isWireParleyError({ isError: true, value: { message: 'm' } })).toBe(false);
    expect(isWireParleyError({ parleyError: true, code: 'x', message: 'm' })).toBe(false);
    expect(isWireParleyError({ parleyError: 'yes', code: 'x', message: 'm', details: {} })).toBe(false);
    expect(isWireParleyError({ parleyError: true, code: 1, message: 'm', details: {} })).toBe(false);
    expect(isWireParleyError({ parleyError: true, code: 'x', message: 'm', details: null })).toBe(false);
    expect(isWireParleyError({ parleyError: true, code: 'x', message: 'm', details: {} })).toBe(true);
  });
});

describe('registerErrorTransfer through a real Comlink channel', () => {
  interface Thrower {
    parley(): Promise<void>;
    plain(): Promise<void>;
    ok(): Promise<string>;
  }
  let remote: ReturnType<typeof wrap<Thrower>>;
  let channel: MessageChannel;

  beforeAll(() => {
    registerErrorTransfer();
    registerErrorTransfer(); // idempotent
    channel = new MessageChannel();
    const impl: Thrower = {
      parley: async () => {
        throw new ParleyError('session_id_prefix', 'not a 05 id', { prefix: '15' });
      },
      plain: async () => {
        throw new TypeError('boom');
      },
      ok: async () => 'fine',
    };
    expose(impl, channel.port1 as unknown as Endpoint);
    remote = wrap<Thrower>(channel.port2 as unknown as Endpoint);
    return () => {
      channel.port1.close();
      channel.port2.close();
    };
  });

  it('rejects with a ParleyError carrying the code and details', async () => {
    const error: unknown = await remote.parley().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(isParleyError(error, 'session_id_prefix')).toBe(true);
    expect((error as ParleyError).details).toEqual({ prefix: '15' });
  });

  it('still carries other errors the built-in way', async () => {
    const error: unknown = await remote.plain().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ParleyError);
    expect((error as Error).message).toBe('boom');
  });

  it('leaves normal results alone', async () => {
    await expect(remote.ok()).resolves.toBe('fine');
  });
});
