import { describe, expect, it } from 'vitest';
import { devnetProfile, mainnetProfile } from './network-profile.ts';

describe('network profiles', () => {
  it('carry desktop numbers: agreement 24 on mainnet, 12 on the devnet; subnets only on mainnet', () => {
    const main = mainnetProfile('https://parley.example');
    const dev = devnetProfile('http://127.0.0.1:8080');
    expect([main.name, main.poolAgreementMin, main.distinctSubnets, main.guardCount]).toEqual(['mainnet', 24, true, 2]);
    expect([dev.name, dev.poolAgreementMin, dev.distinctSubnets]).toEqual(['devnet', 12, false]);
    expect(main.relayUrl).toBe('https://parley.example/');
    expect(devnetProfile('http://127.0.0.1:8080/app').relayUrl).toBe('http://127.0.0.1:8080/app/');
  });

  it('take overrides and refuse bad values, naming the field', () => {
    expect(devnetProfile('http://x', { rpcTimeoutMs: 1 }).rpcTimeoutMs).toBe(1);
    expect(() => devnetProfile('relay')).toThrow(expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ param: 'relayUrl' }) }));
    expect(() => devnetProfile('ftp://x')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => mainnetProfile('https://x', { guardCount: 0 })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ param: 'guardCount' }) }),
    );
    expect(() => mainnetProfile('https://x', { rpcTimeoutMs: -1 })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ param: 'rpcTimeoutMs' }) }),
    );
  });

  it('are frozen', () => {
    expect(Object.isFrozen(devnetProfile('http://x'))).toBe(true);
  });
});
