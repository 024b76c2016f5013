/**
 * The devnet's TLS certificate. Real service nodes make themselves a self-signed RSA-2048
 * certificate (C=AU, CN=localhost, O=Oxen, valid 10 000 days) on first start and keep it in their
 * data directory (SS `server_certificates.cpp`); clients never verify it. The devnet does the same,
 * once per data folder: every node and the seed share that one certificate (generating twelve RSA
 * keys would slow every test start for no gain, since nobody checks which node a certificate names).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

const VALID_DAYS = 10_000;
const DAY_MS = 86_400_000;

/** Loads `cert.pem`/`key.pem` from `dir`, creating them (key readable by the owner only) when absent. */
export async function loadOrCreateTls(dir: string): Promise<TlsMaterial> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  }
  mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const made = await generate(
    [
      { name: 'countryName', value: 'AU' },
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'Oxen' },
    ],
    {
      keyType: 'rsa',
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now),
      notAfterDate: new Date(now + VALID_DAYS * DAY_MS),
    },
  );
  writeFileSync(keyPath, made.private, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(certPath, made.cert);
  return { cert: made.cert, key: made.private };
}
