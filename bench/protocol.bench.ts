/** Cost in Node of the 1:1 message framing (src/core/protocol/): protobuf alone, and the whole pipeline. */
import { measure } from './measure.ts';
import { openStoredMessage, wrapForRecipient } from '../src/core/protocol/message-pipeline.ts';
import { decodeContent, encodeContent, type Content } from '../src/core/protocol/messages.ts';
import { identityFromEntropy } from '../wasm/identity.ts';
import { ready } from '../wasm/sodium.ts';

export async function run(): Promise<void> {
  await ready();
  const alice = identityFromEntropy(new Uint8Array(16).fill(1));
  const bob = identityFromEntropy(new Uint8Array(16).fill(2));
  const content: Content = {
    dataMessage: { body: 'a'.repeat(200), profile: { displayName: 'Alice', lastProfileUpdateSeconds: 1_700_000_000 } },
    expirationType: 'unknown',
    expirationTimer: 0,
    sigTimestamp: 1_700_000_000_000,
  };
  const bytes = encodeContent(content);
  await measure('encodeContent (200-char body + profile)', () => encodeContent(content));
  await measure('decodeContent (200-char body + profile)', () => decodeContent(bytes));

  const args = { content, sender: alice, recipientSessionId: bob.sessionId, timestamp: 1_700_000_000_000 };
  const wrapped = wrapForRecipient(args);
  await measure('wrapForRecipient (encode, pad, sign, seal, frame)', () => wrapForRecipient(args));
  await measure('openStoredMessage (base64, unframe, open, verify)', () => openStoredMessage(wrapped.dataBase64, bob));
}
