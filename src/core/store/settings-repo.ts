/**
 * Settings: key → value, typed per key. A new setting is one line in `SettingsMap` and one check in
 * `SETTING_CHECKS`; a stored value that no longer passes its check reads as unset.
 */
import { ParleyError } from '../../shared/errors.ts';
import { checkOneOf } from './checks.ts';
import type { ParleyDB } from './database.ts';
import { storageCall } from './storage-errors.ts';

export interface SettingsMap {
  /** The network profile chosen once (devnet or mainnet). */
  networkProfile: 'devnet' | 'mainnet';
  /** Preferences (Core API `Preferences`): lock after this many idle minutes; absent or null: never. */
  autoLockMinutes: number | null;
  /** New-message notifications while the app is hidden. */
  notifications: 'off' | 'anonymous' | 'with_sender';
  /** Images and voice messages from contacts one has written to download by themselves. */
  autoDownloadMedia: boolean;
  /**
   * Wrong passphrases in a row, and the time (ms) before which the next one is refused unchecked
   * (services/passphrase-attempts.ts). Not secret; kept so that a reload does not reset it.
   */
  passphraseAttempts: PassphraseAttempts;
}

export interface PassphraseAttempts {
  readonly failures: number;
  readonly notBefore: number;
}

/** The longest auto-lock delay a person can choose: a day. */
export const MAX_AUTO_LOCK_MINUTES = 24 * 60;

export type SettingKey = keyof SettingsMap;

const SETTING_CHECKS: { readonly [K in SettingKey]: (value: unknown) => value is SettingsMap[K] } = {
  networkProfile: (value): value is SettingsMap['networkProfile'] => value === 'devnet' || value === 'mainnet',
  autoLockMinutes: (value): value is number | null =>
    value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_AUTO_LOCK_MINUTES),
  notifications: (value): value is SettingsMap['notifications'] => value === 'off' || value === 'anonymous' || value === 'with_sender',
  autoDownloadMedia: (value): value is boolean => typeof value === 'boolean',
  passphraseAttempts: (value): value is PassphraseAttempts =>
    typeof value === 'object' &&
    value !== null &&
    Number.isSafeInteger((value as PassphraseAttempts).failures) &&
    (value as PassphraseAttempts).failures >= 0 &&
    Number.isSafeInteger((value as PassphraseAttempts).notBefore) &&
    (value as PassphraseAttempts).notBefore >= 0,
};

const SETTING_KEYS = Object.keys(SETTING_CHECKS) as SettingKey[];

export async function getSetting<K extends SettingKey>(db: ParleyDB, key: K): Promise<SettingsMap[K] | undefined> {
  checkOneOf(key, 'key', SETTING_KEYS);
  return storageCall('getSetting', async () => {
    const record = await db.get('settings', key);
    return record !== undefined && SETTING_CHECKS[key](record.value) ? (record.value as SettingsMap[K]) : undefined;
  });
}

export async function setSetting<K extends SettingKey>(db: ParleyDB, key: K, value: SettingsMap[K]): Promise<void> {
  checkOneOf(key, 'key', SETTING_KEYS);
  if (!SETTING_CHECKS[key](value)) {
    throw new ParleyError('invalid_argument', `value is not valid for setting ${key}`, { param: 'value', problem: 'value', key });
  }
  return storageCall('setSetting', async () => {
    await db.put('settings', { key, value });
  });
}

export async function deleteSetting(db: ParleyDB, key: SettingKey): Promise<void> {
  checkOneOf(key, 'key', SETTING_KEYS);
  return storageCall('deleteSetting', () => db.delete('settings', key));
}

/** Every setting that is set (and valid). */
export async function getAllSettings(db: ParleyDB): Promise<Partial<SettingsMap>> {
  return storageCall('getAllSettings', async () => {
    const out: Partial<Record<SettingKey, unknown>> = {};
    for (const record of await db.getAll('settings')) {
      const key = record.key as SettingKey;
      if (SETTING_KEYS.includes(key) && SETTING_CHECKS[key](record.value)) out[key] = record.value;
    }
    return out as Partial<SettingsMap>;
  });
}
