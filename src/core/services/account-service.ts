/**
 * The account on this device: create, restore, reveal the phrase, display name, the passphrase lock,
 * and deletion (from this device, or from the device and the network). The seed is written either in
 * the clear or locked, never both (store/account-repo.ts replaces the whole record).
 */
import { ParleyError } from '../../shared/errors.ts';
import { MIN_PASSPHRASE_LENGTH, passphraseWeakness } from '../../shared/passphrase-strength.ts';
import { identityFromEntropy, wipeIdentity, type Identity } from '../../../wasm/identity.ts';
import { decodeMnemonic, encodeMnemonic } from '../../../wasm/mnemonic.ts';
import { lockSecret, unlockSecret, type LockCost } from '../../../wasm/passphrase.ts';
import { wipe } from '../../../wasm/sodium.ts';
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
  type AccountSeed,
} from '../store/index.ts';
import type { CoreContext } from './context.ts';
import { PassphraseAttemptsGuard } from './passphrase-attempts.ts';
import { accountView } from './views.ts';

export interface AccountServiceOptions {
  /** Argon2id cost of the passphrase lock; tests pass a low one. */
  readonly lockCost?: LockCost;
}

export class AccountService {
  /** Every check of a stored passphrase goes through it: wrong ones in a row make the next wait. */
  private readonly attempts: PassphraseAttemptsGuard;

  constructor(
    private readonly ctx: CoreContext,
    private readonly options: AccountServiceOptions = {},
  ) {
    this.attempts = new PassphraseAttemptsGuard(ctx);
  }

  /** Reads the stored account into the session at start: unlocked when plain, locked otherwise. */
  async load(): Promise<AccountView | null> {
    const record = await getAccount(this.ctx.db);
    if (record === undefined) {
      this.ctx.session.cleared();
      return null;
    }
    if (record.seed.kind === 'plain') this.ctx.session.unlocked(identityFromEntropy(record.seed.ed25519Seed));
    else this.ctx.session.locked(record.sessionId);
    return this.viewOf(record);
  }

  async view(): Promise<AccountView | null> {
    const record = await getAccount(this.ctx.db);
    return record === undefined ? null : this.viewOf(record);
  }

  private async viewOf(record: AccountRecord): Promise<AccountView> {
    const wait = record.seed.kind === 'locked' ? await this.attempts.retryAfterMs() : 0;
    return accountView(record, this.ctx.session.current, wait);
  }

  /**
   * A new account from a phrase `newRecoveryPhrase` made. Coded errors: the phrase's
   * (`mnemonic_*`), `display_name_too_long`, `account_exists`, `invalid_argument`.
   */
  async create(options: NewAccountOptions): Promise<AccountView> {
    checkObjectArg(options, 'options');
    if (typeof options.displayName !== 'string') {
      throw new ParleyError('invalid_argument', 'displayName must be a string', { param: 'displayName', problem: 'type' });
    }
    return this.fromPhrase(options.recoveryPhrase, options.displayName, options.passphrase);
  }

  /** The same, for a phrase the person already had; what its swarm holds arrives through the poller. */
  async restore(options: RestoreOptions): Promise<AccountView> {
    checkObjectArg(options, 'options');
    return this.fromPhrase(options.recoveryPhrase, options.displayName ?? null, options.passphrase);
  }

  /** The recovery phrase from the stored seed; with a passphrase set, only for that passphrase. */
  async revealRecoveryPhrase(passphrase?: string): Promise<string> {
    const record = await this.requireAccount();
    const seed = await this.seedOf(record, passphrase);
    try {
      return phraseOf(seed);
    } finally {
      wipe(seed);
    }
  }

  async setDisplayName(displayName: string): Promise<AccountView> {
    const name = checkDisplayName(displayName);
    await this.requireAccount();
    await setAccountDisplayName(this.ctx.db, name);
    return this.changed();
  }

  /**
   * Locks the seed under a new passphrase; changing it requires the current one. A weak new one is
   * `invalid_argument` {param: 'passphrase', problem: 'weak', reason}, checked before the current one.
   */
  async setPassphrase(passphrase: string, current?: string): Promise<AccountView> {
    checkStrongPassphrase(passphrase);
    const record = await this.requireAccount();
    const seed = await this.seedOf(record, current);
    try {
      checkStrongPassphrase(passphrase, phraseOf(seed));
      await lockAccountSeed(this.ctx.db, lockSecret(seed, passphrase, this.options.lockCost));
    } finally {
      wipe(seed);
    }
    return this.changed();
  }

  async removePassphrase(current: string): Promise<AccountView> {
    const record = await this.requireAccount();
    if (record.seed.kind !== 'locked') throw new ParleyError('no_passphrase', 'the account has no passphrase');
    const locked = record.seed.locked;
    const seed = await this.attempts.attempt(() => unlockSecret(locked, current));
    try {
      await unlockAccountSeed(this.ctx.db, seed);
      if (this.ctx.session.current.kind !== 'unlocked') this.ctx.session.unlocked(identityFromEntropy(seed));
    } finally {
      wipe(seed);
    }
    return this.changed();
  }

  /** Always checks the passphrase, even when the seed is unlocked already (then it only answers). */
  async unlock(passphrase: string): Promise<AccountView> {
    const record = await this.requireAccount();
    if (record.seed.kind !== 'locked') throw new ParleyError('no_passphrase', 'the account has no passphrase');
    const locked = record.seed.locked;
    const seed = await this.attempts.attempt(() => unlockSecret(locked, passphrase));
    try {
      // Already unlocked: the keys in use stay (replacing them would wipe keys a send may be using).
      if (this.ctx.session.current.kind !== 'unlocked') this.ctx.session.unlocked(identityFromEntropy(seed));
    } finally {
      wipe(seed);
    }
    return this.changed();
  }

  /** Forgets the unlocked keys; messaging stops until `unlock`. `no_passphrase` when nothing could unlock it again. */
  async lock(): Promise<AccountView> {
    const record = await this.requireAccount();
    if (record.seed.kind !== 'locked') throw new ParleyError('no_passphrase', 'the account has no passphrase to lock it with');
    if (this.ctx.session.current.kind !== 'locked') this.ctx.session.locked(record.sessionId);
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

  private async fromPhrase(recoveryPhrase: string, displayName: string | null, passphrase: string | undefined): Promise<AccountView> {
    const name = displayName === null ? null : checkDisplayName(displayName);
    const lockWith = checkOptionalPassphrase(passphrase);
    const entropy = decodeMnemonic(recoveryPhrase);
    try {
      if (lockWith !== null) checkStrongPassphrase(lockWith, recoveryPhrase);
      return await this.adopt(identityFromEntropy(entropy), name, lockWith);
    } finally {
      wipe(entropy);
    }
  }

  /** Writes the new account once: with a passphrase the seed is locked before that first write. */
  private async adopt(identity: Identity, name: string | null, passphrase: string | null): Promise<AccountView> {
    try {
      if ((await getAccount(this.ctx.db)) !== undefined) {
        throw new ParleyError('account_exists', 'this device already has an account; delete it first');
      }
      const seed: AccountSeed =
        passphrase === null
          ? { kind: 'plain', ed25519Seed: identity.ed25519Seed }
          : { kind: 'locked', locked: lockSecret(identity.ed25519Seed, passphrase, this.options.lockCost) };
      await saveAccount(this.ctx.db, { sessionId: identity.sessionId, displayName: name, createdAt: this.ctx.clock(), seed });
    } catch (error) {
      wipeIdentity(identity);
      throw error;
    }
    this.ctx.session.unlocked(identity);
    return this.changed();
  }

  /** The plain seed bytes, from the record or (when locked) through the passphrase, counted by the attempts guard. */
  private async seedOf(record: AccountRecord, passphrase: string | undefined): Promise<Uint8Array> {
    if (record.seed.kind === 'plain') return record.seed.ed25519Seed.slice();
    // Asking without a passphrase is not a guess: it is not counted.
    if (passphrase === undefined) throw new ParleyError('wrong_passphrase', 'the current passphrase is required');
    const locked = record.seed.locked;
    return this.attempts.attempt(() => unlockSecret(locked, passphrase));
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

export interface NewAccountOptions {
  readonly recoveryPhrase: string;
  readonly displayName: string;
  readonly passphrase?: string;
}

export interface RestoreOptions {
  readonly recoveryPhrase: string;
  readonly displayName?: string;
  readonly passphrase?: string;
}

/** A 13-word phrase for phrase-made accounts (seed = 16 bytes ‖ 16 zeros), 25 words for a legacy 32-byte seed. */
function phraseOf(seed: Uint8Array): string {
  const legacy = seed.subarray(16).some((byte) => byte !== 0);
  return encodeMnemonic(legacy ? seed : seed.subarray(0, 16));
}

/** An absent or empty passphrase means none (the create and restore screens leave the field empty). */
function checkOptionalPassphrase(passphrase: unknown): string | null {
  if (passphrase === undefined || passphrase === '') return null;
  if (typeof passphrase !== 'string') {
    throw new ParleyError('invalid_argument', 'passphrase must be a string', { param: 'passphrase', problem: 'type' });
  }
  return passphrase;
}

/**
 * Refuses a passphrase too weak to lock a seed with (src/shared/passphrase-strength.ts, the same
 * check the screens make as the person types). The details name the reason, never the passphrase.
 */
function checkStrongPassphrase(passphrase: unknown, recoveryPhrase?: string): void {
  if (typeof passphrase !== 'string') {
    throw new ParleyError('invalid_argument', 'passphrase must be a string', { param: 'passphrase', problem: 'type' });
  }
  const reason = passphraseWeakness(passphrase, recoveryPhrase);
  if (reason !== null) {
    throw new ParleyError('invalid_argument', `passphrase is too weak (${reason})`, {
      param: 'passphrase',
      problem: 'weak',
      reason,
      minLength: MIN_PASSPHRASE_LENGTH,
    });
  }
}

function checkObjectArg(value: unknown, name: string): void {
  if (typeof value !== 'object' || value === null) {
    throw new ParleyError('invalid_argument', `${name} must be an object`, { param: name, problem: 'type' });
  }
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
