/**
 * Every user-visible sentence in one place, so that translation can come later.
 * Short, plain, second person (DESIGN.md "Words"). Components never hard-code text.
 */
import type { ErrorCode } from '../shared/errors.ts';

export const strings = {
  appName: 'Parley',
  tagline: 'Private messages, no phone number, nothing to install.',

  engine: {
    label: 'Secure engine',
    starting: 'Starting secure engine…',
    ready: (sodiumVersion: string) => `Secure engine ready (libsodium ${sodiumVersion})`,
    workerFailed: 'The secure engine could not start. Reload the page to try again.',
  },

  update: {
    available: 'A new version is ready',
    reload: 'Reload',
  },

  // Conversations, the network and notifications (the chat screens)
  list: {
    heading: 'Conversations',
    newConversation: 'New conversation',
    empty: 'No conversations yet',
    shareYourId: 'Share your Session ID so people can message you:',
    yourSessionId: 'Your Session ID',
    echoHint: 'Try it now: the echo peer on this local network answers every message.',
    messageEcho: 'Message the echo peer',
    unread: (count: number) => (count === 1 ? '1 unread message' : `${count} unread messages`),
    noMessages: 'No messages yet',
    you: 'You: ',
    loading: 'Loading conversations…',
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
} as const;

/** One plain sentence per error code, with what to do. Codes the UI never shows fall back to `unknown`. */
const errorSentences: Partial<Record<ErrorCode, string>> = {
  sodium_not_ready: 'Encryption could not start in this browser. Reload the page, or try an up-to-date browser.',
  session_id_length: 'A Session ID is 66 characters long. Check that you copied all of it.',
  session_id_prefix: 'A Session ID starts with 05. Check that you copied the right text.',
  session_id_not_hex: 'A Session ID has only the digits 0–9 and the letters a–f.',
  session_id_blinded: 'This is a community (blinded) ID, not a Session ID. Ask for their Session ID.',
  session_id_invalid_key: 'This is not a valid Session ID. Check that you copied the right text.',
  message_empty: 'Write something before sending.',
  message_too_long: 'This message is too long. Split it into shorter ones.',
  network_offline: 'You are offline. It will be sent when you are back online.',
  path_failed: 'The network path broke. Try again.',
  pool_unavailable: 'The network could not be reached. Try again.',
  snode_unavailable: 'The network could not be reached. Try again.',
  snode_not_found: 'The network could not be reached. Try again.',
  request_failed: 'The network refused the message. Try again.',
  clock_out_of_sync: "This device's clock is off. Set the right time, then try again.",
  message_not_found: 'That message is no longer here.',
  account_locked: 'Unlock your account first.',
  storage_quota_exceeded: 'This device is out of storage space. Free some space, then try again.',
};

const unknownError = 'Something went wrong. Reload the page to try again.';

export function errorSentence(code: ErrorCode | undefined): string {
  return (code !== undefined ? errorSentences[code] : undefined) ?? unknownError;
}

const failureFallback = 'It could not be sent. Try again.';

/** Why an outgoing message failed, from the error code the core recorded with it. */
export function failureReason(code: string | null): string {
  return (code !== null ? errorSentences[code as ErrorCode] : undefined) ?? failureFallback;
}
