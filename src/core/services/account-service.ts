/**
 * The account on this device: create, restore, reveal the phrase, display name, the passphrase lock,
 * and deletion (from this device, or from the device and the network). The seed is written either in
 * the clear or locked, never both (store/account-repo.ts replaces the whole record).
 */
import { ParleyError } from '../../shared/errors.ts';
import { identityFromEntropy, type Identity } from '../../../wasm/identity.ts';
import { decodeMnemonic, encodeMnemonic } from '../../../wasm/mnemonic.ts';
import { lockSecret, unlockSecret, type LockCost } from '../../../wasm/passphrase.ts';
import { randomBytes, wipe } from '../../../wasm/sodium.ts';
import type { AccountView } from '../api.ts';
import { MAX_DISPLAY_NAME_BYTES } from '../protocol/data-message.ts';
import {
  getAccount,
  lockAccountSeed,
  saveAccount,
  setAccountDisplayName,
  unlockAccountSeed,
  wipeAllData,
  type AccountRecord,
} from '../store/index.ts';
import type { CoreContext } from './context.ts';
import { accountView } from './views.ts';

export interface AccountServiceOptions {
  /** Argon2id cost of the passphrase lock; tests pass a low one. */
  readonly lockCost?: LockCost;
}

export class AccountService {
  constructor(
    private readonly ctx: CoreContext,
    private readonly options: AccountServiceOptions = {},
  ) {}

  /** Reads the stored account into the session at start: unlocked when plain, locked otherwise. */
  async load(): Promise<AccountView | null> {
    const record = await getAccount(this.ctx.db);
    if (record === undefined) {
      this.ctx.session.cleared();
      return null;
    }
    if (record.seed.kind === 'plain') this.ctx.session.unlocked(identityFromEntropy(record.seed.ed25519Seed));
    else this.ctx.session.locked(record.sessionId);
    return accountView(record, this.ctx.session.current);
  }

  async view(): Promise<AccountView | null> {
    const record = await getAccount(this.ctx.db);
    return record === undefined ? null : accountView(record, this.ctx.session.current);
  }

  async create(displayName?: string): Promise<{ account: AccountView; recoveryPhrase: string }> {
    const entropy = randomBytes(16);
    try {
      const account = await this.adopt(identityFromEntropy(entropy), displayName ?? null);
      return { account, recoveryPhrase: encodeMnemonic(entropy) };
    } finally {
      wipe(entropy);
    }
  }

  /** Coded errors from decoding name the wrong word, the wrong count or the failed checksum. */
  async restore(recoveryPhrase: string): Promise<AccountView> {
    const entropy = decodeMnemonic(recoveryPhrase);
    try {
      return await this.adopt(identityFromEntropy(entropy), null);
    } finally {
      wipe(entropy);
    }
  }

  revealRecoveryPhrase(): string {
    return phraseOf(this.ctx.session.identity());
  }

  async setDisplayName(displayName: string): Promise<AccountView> {
    const name = checkDisplayName(displayName);
    await this.requireAccount();
    await setAccountDisplayName(this.ctx.db, name);
    return this.changed();
  }

  /** Locks the seed under a new passphrase; changing it requires the current one. */
  async setPassphrase(passphrase: string, current?: string): Promise<AccountView> {
    const record = await this.requireAccount();
    const seed = this.seedOf(record, current);
    try {
      await lockAccountSeed(this.ctx.db, lockSecret(seed, passphrase, this.options.lockCost));
    } finally {
      wipe(seed);
    }
    return this.changed();
  }

  async removePassphrase(current: string): Promise<AccountView> {
    const record = await this.requireAccount();
    if (record.seed.kind !== 'locked') throw new ParleyError('no_passphrase', 'the account has no passphrase');
    const seed = unlockSecret(record.seed.locked, current);
    try {
      await unlockAccountSeed(this.ctx.db, seed);
      if (this.ctx.session.current.kind !== 'unlocked') this.ctx.session.unlocked(identityFromEntropy(seed));
    } finally {
      wipe(seed);
    }
    return this.changed();
  }

  async unlock(passphrase: string): Promise<AccountView> {
    const record = await this.requireAccount();
    if (record.seed.kind !== 'locked') throw new ParleyError('no_passphrase', 'the account has no passphrase');
    if (this.ctx.session.current.kind !== 'unlocked') {
      const seed = unlockSecret(record.seed.locked, passphrase);
      try {
        this.ctx.session.unlocked(identityFromEntropy(seed));
      } finally {
        wipe(seed);
      }
    }
    return this.changed();
  }

  /**
   * Deletes the account from this device. With `fromNetwork`, everything its swarm holds is deleted
   * first, and nothing local is touched unless that succeeds (so a failure can be retried).
   */
  async delete({ fromNetwork }: { fromNetwork: boolean }, signal?: AbortSignal): Promise<void> {
    await this.requireAccount();
    if (fromNetwork) await this.ctx.network.storage.deleteAll(this.ctx.session.identity(), signal ? { signal } : {});
    await wipeAllData(this.ctx.db);
    this.ctx.session.cleared();
    this.ctx.events.emit({ type: 'account', account: null });
  }

  private async adopt(identity: Identity, displayName: string | null): Promise<AccountView> {
    if ((await getAccount(this.ctx.db)) !== undefined) {
      throw new ParleyError('account_exists', 'this device already has an account; delete it first');
    }
    const name = displayName === null ? null : checkDisplayName(displayName);
    await saveAccount(this.ctx.db, {
      sessionId: identity.sessionId,
      displayName: name,
      createdAt: this.ctx.clock(),
      seed: { kind: 'plain', ed25519Seed: identity.ed25519Seed },
    });
    this.ctx.session.unlocked(identity);
    return this.changed();
  }

  /** The plain seed bytes, from the record or (when locked) through the passphrase. */
  private seedOf(record: AccountRecord, passphrase: string | undefined): Uint8Array {
    if (record.seed.kind === 'plain') return record.seed.ed25519Seed.slice();
    if (passphrase === undefined) throw new ParleyError('wrong_passphrase', 'the current passphrase is required');
    return unlockSecret(record.seed.locked, passphrase);
  }

  private async requireAccount(): Promise<AccountRecord> {
    const record = await getAccount(this.ctx.db);
    if (record === undefined) throw new ParleyError('no_account', 'there is no account on this device');
    return record;
  }

  private async changed(): Promise<AccountView> {
    const view = await this.view();
    if (view === null) throw new ParleyError('no_account', 'there is no account on this device');
    this.ctx.events.emit({ type: 'account', account: view });
    return view;
  }
}

/** A 13-word phrase for phrase-made accounts (seed = 16 bytes ‖ 16 zeros), 25 words for a legacy 32-byte seed. */
function phraseOf(identity: Identity): string {
  const seed = identity.ed25519Seed;
  const legacy = seed.subarray(16).some((byte) => byte !== 0);
  return encodeMnemonic(legacy ? seed : seed.subarray(0, 16));
}

function checkDisplayName(displayName: string): string | null {
  if (typeof displayName !== 'string') {
    throw new ParleyError('invalid_argument', 'displayName must be a string', { param: 'displayName', problem: 'type' });
  }
  const name = displayName.normalize('NFC').trim();
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_DISPLAY_NAME_BYTES) {
    throw new ParleyError('display_name_too_long', `display names are at most ${MAX_DISPLAY_NAME_BYTES} bytes`, {
      length: bytes,
      max: MAX_DISPLAY_NAME_BYTES,
    });
  }
  return name === '' ? null : name;
}
