/**
 * The relay's side of a network: which seeds it may ask for the service-node list, and how it
 * trusts each seed's TLS certificate. One is chosen at start; nothing else in the relay asks which
 * network it is on. (The app's side — relay URL, pool sizes, timeouts — is the core's
 * `SeedProfile`, src/core/net/network-profile.ts; the two share only the network's name.)
 */
import type { NetworkName } from '../src/shared/relay-api.ts';


/** How the relay decides to trust a seed's TLS certificate. */
export type SeedTrust =
  /** Session's seeds use long-lived self-signed certificates: accept exactly the pinned one. */
  | { readonly kind: 'pinned'; readonly spkiSha256Base64: string; readonly certFingerprint256: string }
  /** The local devnet makes its own self-signed certificate on first start; it is reached on loopback only. */
  | { readonly kind: 'loopback-self-signed' };

export interface SeedConfig {
  /** Base URL; the JSON-RPC endpoint is `<url>json_rpc`. */
  readonly url: string;
  readonly trust: SeedTrust;
}

export interface SeedProfile {
  readonly name: NetworkName;
  readonly seeds: readonly SeedConfig[];
}

/**
 * Session's mainnet seeds and their pins: the SHA-256 of each certificate's public key (base64) and of
 * the whole certificate, as published by Session's desktop client (network-protocol.md §1.1).
 */
export const MAINNET_SEEDS: SeedProfile = {
  name: 'mainnet',
  seeds: [
    {
      url: 'https://seed1.getsession.org:4443/',
      trust: {
        kind: 'pinned',
        spkiSha256Base64: 'mlYTXvkmIEYcpswANTpnBwlz9Cswi0py/RQKkbdQOZQ=',
        certFingerprint256: '36:EA:0B:25:35:37:98:85:51:EE:85:6E:4F:D2:0D:55:01:1E:9C:8B:27:EA:A2:F3:4B:8F:32:A0:BD:F0:4F:2D',
      },
    },
    {
      url: 'https://seed2.getsession.org:4443/',
      trust: {
        kind: 'pinned',
        spkiSha256Base64: 'ZuUxe4wopBR83Yy5fePPNX0c00BnkQCu/49oapFpB0k=',
        certFingerprint256: 'C5:90:8D:D4:13:9A:CD:96:AE:DD:1E:45:57:65:97:65:08:09:C8:A5:EA:02:AF:55:6D:48:53:D4:53:96:E0:E7',
      },
    },
    {
      url: 'https://seed3.getsession.org:4443/',
      trust: {
        kind: 'pinned',
        spkiSha256Base64: '4xe+8k1NjxerVTjUsWlZJNKt3PA7Y31pUls2tHYippA=',
        certFingerprint256: '8A:0A:F2:C7:12:34:2F:22:CE:00:E5:3C:16:01:41:0E:F8:D8:41:56:AE:E0:A9:80:9C:32:F6:F7:EF:BE:55:6E',
      },
    },
  ],
};

/** The local devnet: its seed URL is printed by `npm run devnet` and handed over by `npm start`. */
export function devnetSeeds(seedUrls: readonly string[]): SeedProfile {
  if (seedUrls.length === 0) throw new Error('the devnet profile needs at least one seed URL');
  const seeds = seedUrls.map((raw) => {
    const url = new URL(raw);
    if (!isLoopbackHost(url.hostname)) {
      throw new Error(`devnet seed ${raw} is not on loopback; the devnet profile trusts self-signed certificates only there`);
    }
    return { url: url.href, trust: { kind: 'loopback-self-signed' } as const };
  });
  return { name: 'devnet', seeds };
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
