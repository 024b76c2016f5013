/**
 * Every user-visible word in one place, so that translation can come later.
 * Short, plain, second person (DESIGN.md "Words"). Components never hard-code text.
 * Technical words (onion, guard, swarm) appear only in "How it works" and the path view.
 */
import { isParleyError, type ErrorCode, type ErrorDetails } from '../shared/errors.ts';
import { MIN_PASSPHRASE_LENGTH, PASSPHRASE_WEAKNESSES, type PassphraseWeakness } from '../shared/passphrase-strength.ts';

/** A wait as the countdown shows it: "4:59", "0:30" (rounded up, so it never shows 0:00 while waiting). */
export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Why a passphrase cannot lock the account, one sentence per reason (src/shared/passphrase-strength.ts). */
const weakPassphrase: Record<PassphraseWeakness, string> = {
  too_short: `Use at least ${MIN_PASSPHRASE_LENGTH} characters: shorter ones can be guessed by trying them all.`,
  one_character: 'Use more than one character, repeated.',
  sequence: 'A run like 12345678 or abcdefgh is among the first guesses. Use something else.',
  common: 'This is one of the most used passwords, among the first guesses. Use something else.',
  recovery_phrase: 'Do not use words of your recovery phrase: the passphrase must not give it away.',
};

export function weakPassphraseSentence(reason: PassphraseWeakness): string {
  return weakPassphrase[reason];
}

function isWeakness(value: unknown): value is PassphraseWeakness {
  return (PASSPHRASE_WEAKNESSES as readonly unknown[]).includes(value);
}

export const strings = {
  appName: 'Parley',
  tagline: 'Private messages, no phone number, nothing to install.',
  back: 'Back',
  cancel: 'Cancel',
  continue: 'Continue',
  copy: 'Copy',
  copied: 'Copied',
  copyFailed: 'Copying is blocked here. Select the text and copy it yourself.',
  save: 'Save',
  saved: 'Saved',
  working: 'One moment…',
  screenFailed: 'This screen could not load. Reload the page to try again.',

  engine: {
    label: 'Secure engine',
    starting: 'Starting secure engine…',
    ready: (sodiumVersion: string) => `Secure engine ready (libsodium ${sodiumVersion})`,
    workerFailed: 'The secure engine could not start. Reload the page to try again.',
    reload: 'Reload',
  },

  update: {
    available: 'A new version is ready',
    reload: 'Reload',
  },

  // Conversations, the network and notifications (the chat screens)
  list: {
    heading: 'Conversations',
    empty: 'No conversations yet',
    shareYourId: 'Share your Session ID so people can message you:',
    yourSessionId: 'Your Session ID',
    qrLabel: 'Your Session ID as a QR code, to scan from another device',
    echoHint: 'Try it now: the echo peer on this local network answers every message.',
    messageEcho: 'Message the echo peer',
    unread: (count: number) => (count === 1 ? '1 unread message' : `${count} unread messages`),
    noMessages: 'No messages yet',
    you: 'You: ',
    loading: 'Loading conversations…',
    // What the one line says for a message's files (lib/message-preview.ts); the icon is decoration.
    files: {
      voice: 'Voice message',
      photo: 'Photo',
      video: 'Video',
      count: (count: number) => `${count} files`,
    },
  },
  newConversation: {
    heading: 'New conversation',
    sessionId: 'Session ID',
    hint: 'A Session ID is 66 characters and starts with 05.',
    paste: 'Paste',
    pasteRefused: 'This browser did not allow reading the clipboard. Paste into the field instead.',
    scan: 'Scan a QR code',
    scanImage: 'Scan a QR code from an image',
    stopScan: 'Stop scanning',
    cameraLabel: 'Camera view: hold a Session QR code in front of the camera',
    cameraRefused: 'The camera is not available. You can choose an image of the QR code instead.',
    noQrFound: 'No QR code was found in that image.',
    notASessionId: 'That QR code does not hold a Session ID.',
    start: 'Start conversation',
    valid: 'Looks right.',
  },
  attachments: {
    attach: 'Attach files',
    download: (name: string) => `Download ${name}`,
    cancel: (name: string) => `Stop downloading ${name}`,
    stopUpload: (name: string) => `Stop sending ${name}`,
    save: (name: string) => `Save ${name}`,
    downloadShort: 'Download',
    cancelShort: 'Stop',
    saveShort: 'Save',
    unnamed: 'file',
    state: {
      queued: 'Waiting to upload',
      uploading: 'Uploading…',
      sent: 'Uploaded',
      available: 'Not downloaded',
      downloading: 'Downloading…',
      downloaded: 'Downloaded',
      failed: 'Could not be transferred',
      cancelled: 'Download stopped',
    } as Record<string, string>,
    voice: 'Voice message',
    open: (name: string) => `Open ${name} full size`,
    play: (name: string) => `Play ${name}`,
    viewer: {
      label: (name: string) => `Viewing ${name}`,
      close: 'Close',
      previous: 'Previous',
      next: 'Next',
      position: (at: number, of: number) => `${at} of ${of}`,
      loading: 'Opening…',
      failed: 'This file cannot be shown here. Save it to open it.',
    },
    downloading: (percent: number) => `Downloading… ${percent} %`,
    uploading: (percent: number) => `Uploading… ${percent} %`,
    uploadStopped: 'Upload stopped',
  },
  voice: {
    record: 'Record a voice message',
    recordShort: 'Record',
    recording: 'Recording a voice message',
    /** The running timer while recording, e.g. "0:07 of 5:00". */
    elapsed: (elapsed: string, max: string) => `${elapsed} of ${max}`,
    cancel: 'Cancel recording',
    cancelShort: 'Cancel',
    send: 'Send voice message',
    sendShort: 'Send',
    starting: 'Starting the microphone…',
    micFailure: {
      denied: 'The microphone is blocked. Allow it for this site in the browser to record a voice message.',
      absent: 'No microphone was found. Connect one to record a voice message.',
      busy: 'The microphone could not be started; another app may be using it.',
      unsupported: 'This browser cannot record voice messages.',
    } as Record<string, string>,
    play: 'Play voice message',
    pause: 'Pause voice message',
    position: 'Position in voice message',
    /** The player's position for assistive technology, e.g. "0:03 of 0:12". */
    positionText: (position: string, duration: string) => `${position} of ${duration}`,
    unplayable: 'This voice message cannot be played here; it can still be saved.',
  },
  conversation: {
    back: 'Back to conversations',
    menu: 'Conversation options',
    copyId: 'Copy Session ID',
    copied: 'Session ID copied',
    message: 'Message',
    placeholder: 'Write a message',
    send: 'Send',
    composerHint: 'Enter sends, Shift+Enter adds a line.',
    loadingOlder: 'Loading older messages…',
    start: 'This is the start of your conversation.',
    opening: 'Opening conversation…',
    messages: 'Messages',
    today: 'Today',
    yesterday: 'Yesterday',
    retry: 'Retry',
    failed: (reason: string) => `Not sent. ${reason}`,
    you: 'You',
    messageOptions: 'Message options',
    deleteForMe: 'Delete for me',
    unsend: 'Unsend',
    deleted: 'This message was deleted',
  },
  disappearing: {
    menu: 'Disappearing messages',
    off: 'Off',
    afterSend: 'After sending',
    afterRead: 'After reading',
    /** A menu choice, e.g. "1 day after sending". */
    choice: (duration: string, mode: 'after_send' | 'after_read') => `${duration} ${mode === 'after_send' ? 'after sending' : 'after reading'}`,
    /** The control message in the conversation. */
    changed: (who: string, duration: string | null, mode: 'after_send' | 'after_read' | null) =>
      duration === null || mode === null
        ? `${who} turned off disappearing messages`
        : `${who} set messages to disappear ${duration} after they ${mode === 'after_send' ? 'are sent' : 'have been read'}`,
    remaining: (duration: string) => `Disappears in ${duration}`,
    /** Shown under the header's name while a timer is on. */
    active: (duration: string, mode: 'after_send' | 'after_read') => `Messages disappear ${duration} after ${mode === 'after_send' ? 'sending' : 'reading'}`,
  },
  status: {
    queued: 'Queued — waiting for the network',
    sending: 'Sending',
    sent: 'Sent',
    failed: 'Failed',
  },
  network: {
    indicator: 'Network',
    offline: 'Offline',
    building: 'Building path',
    connected: 'Connected',
    pathHeading: 'Onion path',
    pathIntro: 'Your messages travel through three service nodes, so that no single one knows both who you are and where the message goes.',
    you: 'You',
    guard: 'Guard',
    hop: 'Hop',
    serviceNode: 'Service node',
    notYet: 'not yet known',
    noPath: 'There is no path right now.',
    rebuild: 'Build a new path',
    rebuilding: 'Building a new path…',
    back: 'Back',
    offlineBanner: (count: number) =>
      count === 0
        ? 'Offline — new messages will be sent when you are back online.'
        : count === 1
          ? "Offline — 1 message will be sent when you're back online."
          : `Offline — ${count} messages will be sent when you're back online.`,
  },
  notifications: {
    offer: 'Get a notification when a message arrives while Parley is in the background.',
    enable: 'Turn on notifications',
    anonymous: 'New message',
    from: (name: string) => `New message from ${name}`,
  },

  welcome: {
    title: 'Parley',
    sentence: 'Private messages without a phone number or an email: your account is a key that lives in this browser.',
    create: 'Create account',
    restore: 'Restore from recovery phrase',
    howTitle: 'How it works',
    how: [
      'Each message is locked for its recipient before it leaves this device.',
      'It travels through three randomly chosen relays, an onion: each knows only the next step, none sees both you and the destination.',
      'The last one stores it in the recipient’s swarm of servers until they fetch it. Nobody can read it on the way.',
    ],
  },

  create: {
    title: 'Create account',
    phraseTitle: 'Your recovery phrase',
    phraseIntro: 'These 13 words are your account. They are the only way back into it: nobody can reset them. Write them down or keep them in a password manager.',
    phraseLabel: 'Recovery phrase, 13 words',
    copyPhrase: 'Copy phrase',
    confirmTitle: 'Check that you saved it',
    confirmIntro: 'Pick the right words from your copy.',
    whichWord: (position: number) => `Which is word ${position}?`,
    wrongPick: (position: number) => `That is not word ${position}. Look at your copy again.`,
    rightPick: 'Right.',
    pickBoth: 'Pick both words to continue.',
    showPhraseAgain: 'Show the phrase again',
    profileTitle: 'About you',
    generating: 'Making your recovery phrase…',
  },

  profile: {
    displayName: 'Display name',
    displayNameHint: 'What the people you write to see. You can change it later.',
    displayNameRequired: 'Type a display name.',
    passphrase: 'Passphrase',
    passphraseHint: 'Optional. With one, this device asks for it when Parley opens, and your keys are never stored unprotected. Leave it empty for none.',
    /** The live countdown after too many wrong passphrases. */
    passphraseWait: (left: string) => `Too many wrong attempts. Try again in ${left}.`,
    creating: 'Creating your account…',
    restoring: 'Restoring your account…',
  },

  restore: {
    title: 'Restore from recovery phrase',
    intro: 'Type or paste the 13 words of your recovery phrase. Spaces and capitals do not matter.',
    phrase: 'Recovery phrase',
    progress: (count: number) => `${count} of 13 words`,
    looksRight: 'All 13 words look right.',
    displayNameHint: 'Optional: leave it empty to keep the name your account had, if it comes back from the network.',
  },

  unlock: {
    title: 'Unlock Parley',
    intro: 'Your account is protected by a passphrase on this device.',
    submit: 'Unlock',
    unlocking: 'Unlocking…',
    forgot: 'Forgot your passphrase?',
    forgotExplain: 'Without it, this device cannot open your account. Clear this device, then restore your account from its recovery phrase. Messages that were only on this device are lost.',
    clearDevice: 'Clear this device',
    clearing: 'Clearing…',
  },

  home: {
    myAccount: 'My account',
    newConversation: 'New conversation',
    settings: 'Settings',
    empty: 'Pick a conversation, or start a new one.',
    conversations: 'Conversations',
  },

  account: {
    title: 'My account',
    sessionId: 'Session ID',
    sessionIdHint: 'Share it so people can message you. It is not a secret.',
    copySessionId: 'Copy Session ID',
    qrLabel: (sessionId: string) => `QR code of your Session ID ${sessionId}`,
    displayName: 'Display name',
    recoveryTitle: 'Recovery phrase',
    showPhrase: 'Show recovery phrase',
    showPhraseWarning: 'Anyone who sees these words can take over your account. Make sure nobody is looking at your screen.',
    showPhraseConfirm: 'Show it',
    hidePhrase: 'Hide recovery phrase',
    passphraseToShow: 'Type your passphrase to show it.',
  },

  settings: {
    title: 'Settings',
    passphraseTitle: 'Passphrase',
    passphraseOn: 'A passphrase protects your account on this device.',
    passphraseOff: 'No passphrase: anyone using this browser profile can open Parley.',
    currentPassphrase: 'Current passphrase',
    newPassphrase: 'New passphrase',
    setPassphrase: 'Set passphrase',
    changePassphrase: 'Change passphrase',
    removePassphrase: 'Remove passphrase',
    passphraseSet: 'Passphrase set.',
    passphraseChanged: 'Passphrase changed.',
    passphraseRemoved: 'Passphrase removed.',
    newPassphraseRequired: 'Type a new passphrase.',
    currentRequired: 'Type your current passphrase.',
    lockNow: 'Lock now',
    autoLock: 'Lock after',
    autoLockHint: 'Time without use before Parley locks itself. Needs a passphrase.',
    autoLockNever: 'Never',
    autoLockMinutes: (minutes: number) => (minutes === 1 ? '1 minute' : minutes < 60 ? `${minutes} minutes` : minutes === 60 ? '1 hour' : `${minutes / 60} hours`),
    networkTitle: 'Network',
    profile: 'Network',
    profiles: { devnet: 'Local test network (devnet)', mainnet: 'Session network' } as Record<'devnet' | 'mainnet', string>,
    relay: 'Relay',
    notificationsTitle: 'Notifications',
    notificationsIntro: 'New messages while Parley is open but hidden.',
    notifications: {
      off: 'Off',
      anonymous: 'On, without the sender',
      with_sender: 'On, with the sender’s name',
    } as Record<'off' | 'anonymous' | 'with_sender', string>,
    notificationsDenied: 'This browser blocks notifications for Parley. Allow them in the site settings, then choose again.',
    notificationsUnsupported: 'This browser cannot show notifications.',
    mediaTitle: 'Pictures and voice messages',
    autoDownloadMedia: 'Download them by themselves from people you have written to',
    autoDownloadMediaHint: 'From anyone else, and other files from everyone, nothing is downloaded until you tap Download.',
    clearTitle: 'Clear data',
    clearIntro: 'Removes your account and messages. Without your recovery phrase they are gone for good.',
    clearDevice: 'This device only',
    clearDeviceHint: 'Messages stay on the network for a while; restoring your phrase elsewhere fetches them.',
    clearNetwork: 'This device and the network',
    clearNetworkHint: 'Also asks the network to delete everything it holds for your account.',
    clearData: 'Clear data',
    clearConfirmTitle: 'Clear all data?',
    clearConfirmDevice: 'Your account and messages leave this device. Only your recovery phrase can bring the account back.',
    clearConfirmNetwork: 'Your account and messages leave this device and the network. Only your recovery phrase can bring the account back, without those messages.',
    clearConfirm: 'Clear everything',
    clearing: 'Clearing…',
    aboutTitle: 'About',
    version: 'Version',
    libsodium: 'libsodium',
  },
} as const;

const unknownError = 'Something went wrong. Reload the page to try again.';

/** One plain sentence per error code, with what to do. Codes the UI never shows fall back to `unknown`. */
/** A sentence function may return undefined: nothing to say for these details (the caller's fallback then). */
const errorSentences: Partial<Record<ErrorCode, (details: ErrorDetails) => string | undefined>> = {
  sodium_not_ready: () => 'Encryption could not start in this browser. Reload the page, or try an up-to-date browser.',
  mnemonic_word_count: (d) =>
    typeof d['count'] === 'number'
      ? `A recovery phrase has 13 words; this has ${d['count']}.`
      : 'A recovery phrase has 13 words.',
  mnemonic_unknown_word: (d) =>
    typeof d['position'] === 'number' && typeof d['word'] === 'string'
      ? `Word ${d['position']}, “${d['word']}”, is not a recovery phrase word. Check its spelling.`
      : 'One word is not a recovery phrase word. Check the spelling.',
  mnemonic_checksum: () => 'One word is wrong or out of order: the last word does not match the others.',
  mnemonic_overflow: (d) =>
    typeof d['position'] === 'number'
      ? `Words ${d['position']} to ${d['position'] + 2} cannot belong together. One of them is wrong.`
      : 'Some words cannot belong together. One of them is wrong.',
  session_id_length: (d) =>
    typeof d['length'] === 'number'
      ? `A Session ID has 66 characters; this has ${d['length']}. Check that you copied all of it.`
      : 'A Session ID has 66 characters. Check that you copied all of it.',
  session_id_not_hex: (d) =>
    typeof d['position'] === 'number' && typeof d['character'] === 'string'
      ? `Character ${d['position']}, “${d['character']}”, cannot be in a Session ID: it has only digits and the letters a to f.`
      : 'A Session ID has only digits and the letters a to f.',
  session_id_prefix: () => 'A Session ID starts with 05.',
  session_id_blinded: () => 'This is a community ID, not a Session ID. Ask for their Session ID.',
  session_id_invalid_key: () => 'This is not a valid Session ID. Check that you copied it right.',
  wrong_passphrase: (d) =>
    typeof d['retryAfterMs'] === 'number'
      ? `That passphrase is not right. Too many wrong attempts. Try again in ${formatWait(d['retryAfterMs'])}.`
      : 'That passphrase is not right. Try again.',
  too_many_attempts: (d) =>
    typeof d['retryAfterMs'] === 'number'
      ? `Too many wrong attempts. Try again in ${formatWait(d['retryAfterMs'])}.`
      : 'Too many wrong attempts. Wait a few minutes, then try again.',
  // Only one invalid argument reaches the screens on its own: a passphrase too weak to use.
  invalid_argument: (d) => (d['problem'] === 'weak' && isWeakness(d['reason']) ? weakPassphrase[d['reason']] : undefined),
  no_passphrase: () => 'There is no passphrase to check. Set one first.',
  account_locked: () => 'Your account is locked. Unlock it first.',
  account_exists: () => 'This device already has an account. Clear its data first to use another one.',
  no_account: () => 'There is no account on this device yet.',
  display_name_too_long: () => 'That display name is too long. Use a shorter one.',
  message_empty: () => 'Type a message first.',
  message_too_long: () => 'This message is too long to send. Split it in two.',
  message_not_found: () => 'That message is no longer here.',
  message_not_own: () => 'Only your own messages can be deleted for everyone.',
  storage_unavailable: () => 'This browser does not let Parley store data (a private window, perhaps). Use a normal window.',
  storage_version_newer: () => 'A newer version of Parley is open in another tab. Reload this page.',
  storage_migration_failed: () => 'Your data could not be updated to this version. Reload to try again.',
  storage_quota_exceeded: () => 'This device is out of storage space for Parley. Free some space, then try again.',
  network_offline: () => 'You are offline. Try again when you are back online.',
  pool_unavailable: () => 'The network cannot be reached right now. Try again in a moment.',
  path_failed: () => 'The network route failed. Try again in a moment.',
  snode_unavailable: () => 'The network is busy. Try again in a moment.',
  snode_not_found: () => 'The network cannot be reached right now. Try again in a moment.',
  request_failed: () => 'The network did not answer. Try again in a moment.',
  relay_busy: () => 'The relay is busy. Try again in a moment.',
  clock_out_of_sync: () => 'Your device’s clock is off. Set it right, then try again.',
  secret_needs_leader_tab: () => 'Parley is open in another tab: use that tab, or close it and reload this one.',
  leader_unavailable: () => 'Another Parley tab is not answering. Close the other tabs, then reload.',
  aborted: () => 'Stopped before it finished. Try again.',
};

export function errorSentence(code: ErrorCode | undefined, details: ErrorDetails = {}): string {
  const sentence = code !== undefined ? errorSentences[code] : undefined;
  return sentence?.(details) ?? unknownError;
}

/** The sentence for anything a Core API call threw: its code's sentence, or the generic one. */
export function sentenceFor(error: unknown): string {
  return isParleyError(error) ? errorSentence(error.code, error.details) : unknownError;
}

const failureFallback = 'It could not be sent. Try again.';

/** Why an outgoing message failed, from the error code the core recorded with it. */
export function failureReason(code: string | null): string {
  const sentence = code !== null ? errorSentences[code as ErrorCode] : undefined;
  return sentence?.({}) ?? failureFallback;
}
