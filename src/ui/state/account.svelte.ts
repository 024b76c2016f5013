/**
 * The account as the UI knows it: none, locked, or open, kept current by the engine's `account`
 * events (another tab may create, unlock or lock it). Every account action of the screens goes
 * through here; failures arrive as ParleyErrors whose code the screen turns into a sentence.
 * The recovery phrase and passphrases pass through as arguments only: nothing here keeps them.
 */
import type { AccountView, InputCheck } from '../../core/api.ts';
import type { EngineState } from './engine.svelte.ts';
import type { AccountGate } from './routes.ts';

export class AccountState {
  /** False until the engine has said whether there is an account. */
  loaded = $state(false);
  view = $state<AccountView | null>(null);

  readonly gate: AccountGate = $derived(this.view === null ? 'none' : this.view.locked ? 'locked' : 'open');

  readonly #engine: EngineState;

  constructor(engine: EngineState) {
    this.#engine = engine;
    engine.on((event) => {
      if (event.type === 'account') this.#set(event.account);
    });
  }

  async load(): Promise<void> {
    this.#set(await this.#engine.api.getAccount());
  }

  newRecoveryPhrase(): Promise<string> {
    return this.#engine.api.newRecoveryPhrase();
  }

  checkRecoveryPhrase(recoveryPhrase: string): Promise<InputCheck> {
    return this.#engine.api.checkRecoveryPhrase(recoveryPhrase);
  }

  async create(recoveryPhrase: string, displayName: string, passphrase: string): Promise<void> {
    this.#set(
      await this.#engine.api.createAccount({ recoveryPhrase, displayName, ...(passphrase === '' ? {} : { passphrase }) }),
    );
  }

  async restore(recoveryPhrase: string, displayName: string, passphrase: string): Promise<void> {
    this.#set(
      await this.#engine.api.restoreAccount({
        recoveryPhrase,
        ...(displayName === '' ? {} : { displayName }),
        ...(passphrase === '' ? {} : { passphrase }),
      }),
    );
  }

  async unlock(passphrase: string): Promise<void> {
    this.#set(await this.#engine.api.unlock(passphrase));
  }

  async lock(): Promise<void> {
    this.#set(await this.#engine.api.lock());
  }

  async setDisplayName(displayName: string): Promise<void> {
    this.#set(await this.#engine.api.setDisplayName(displayName));
  }

  async setPassphrase(passphrase: string, current: string | undefined): Promise<void> {
    this.#set(await this.#engine.api.setPassphrase(passphrase, current));
  }

  async removePassphrase(current: string): Promise<void> {
    this.#set(await this.#engine.api.removePassphrase(current));
  }

  /** Shown on the person's explicit request only; the caller drops it when the screen closes. */
  revealRecoveryPhrase(passphrase: string | undefined): Promise<string> {
    return this.#engine.api.revealRecoveryPhrase(passphrase);
  }

  async deleteAccount(fromNetwork: boolean): Promise<void> {
    await this.#engine.api.deleteAccount({ fromNetwork });
    this.#set(null);
  }

  #set(view: AccountView | null): void {
    this.view = view;
    this.loaded = true;
  }
}
