/**
 * The echo peer: a Session account on the devnet that answers every message with "echo: <text>".
 * It is a client like the app, not part of the network, so it lives in peers/ and devnet/ never
 * imports the core.
 * It runs Parley's own core under Node (in-memory IndexedDB) through the relay, exactly as the app
 * does in a browser, so talking to it exercises the whole path: onions, swarms, sync, polling.
 *
 * Its recovery phrase and the messages it has answered are kept in `<dataDir>/echo-peer.json`, so it
 * keeps its Session ID across runs and never answers a message twice after a restart (its IndexedDB
 * is in memory and starts empty each time).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// idb looks up IDBRequest, IDBKeyRange … as globals; fake-indexeddb/auto installs them under Node.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { CoreEvent } from '../src/core/api.ts';
import { Core } from '../src/core/core.ts';
import { devnetProfile } from '../src/core/net/network-profile.ts';

export interface EchoPeerOptions {
  /** The relay the peer's core talks through (as a browser would). */
  readonly relayUrl: string;
  readonly dataDir: string;
  readonly log?: (line: string) => void;
}

export interface EchoPeer {
  readonly sessionId: string;
  stop(): Promise<void>;
}

interface EchoPeerState {
  readonly recoveryPhrase: string;
  /** `<sender>:<sentAt>` of the messages answered, newest last (bounded). */
  readonly answered: string[];
}

const STATE_FILE = 'echo-peer.json';

/** Where a peer started with this `dataDir` keeps its state (owner-only: it holds a recovery phrase). */
export function echoPeerStateFile(dataDir: string): string {
  return path.join(dataDir, STATE_FILE);
}
const MAX_REMEMBERED = 5_000;
export const ECHO_PREFIX = 'echo: ';
const ECHO_POLL_MS = 2_000;

export async function startEchoPeer(options: EchoPeerOptions): Promise<EchoPeer> {
  const log = options.log ?? (() => undefined);
  const file = echoPeerStateFile(options.dataDir);
  const core = await Core.open({
    profile: devnetProfile(options.relayUrl),
    indexedDB: new IDBFactory(),
    databaseName: 'echo-peer',
    // A bot on loopback: it polls at the chatting pace all the time, so answers come quickly.
    poller: { intervals: { visibleMs: ECHO_POLL_MS, hiddenMs: ECHO_POLL_MS, conversationOpenMs: ECHO_POLL_MS } },
  });
  try {
    let state = readState(file);
    if (state === undefined) {
      const recoveryPhrase = await core.newRecoveryPhrase();
      await core.createAccount({ recoveryPhrase, displayName: 'Echo' });
      state = { recoveryPhrase, answered: [] };
      writeState(file, state);
    } else {
      await core.restoreAccount({ recoveryPhrase: state.recoveryPhrase, displayName: 'Echo' });
    }
    const answered = new Set(state.answered);
    const phrase = state.recoveryPhrase;

    const answer = async (event: CoreEvent): Promise<void> => {
      // Text only: a timer change is taken (the conversation's setting, so the echo disappears too), not echoed.
      if (event.type !== 'message_added' || event.message.direction !== 'incoming' || event.message.kind !== 'text') return;
      const { senderSessionId, sentAt, body, conversationId } = event.message;
      const key = `${senderSessionId}:${sentAt}`;
      if (answered.has(key)) return;
      answered.add(key);
      writeState(file, { recoveryPhrase: phrase, answered: [...answered].slice(-MAX_REMEMBERED) });
      await core.sendMessage(conversationId, `${ECHO_PREFIX}${body}`.slice(0, 2_000));
      log(`echo peer: answered a message (${body.length} characters)`);
    };
    await core.subscribe((event) => {
      answer(event).catch((error: unknown) => log(`echo peer: could not answer: ${String((error as Error).message)}`));
    });
    await core.setVisible(true);
    const account = await core.getAccount();
    if (account === null) throw new Error('the echo peer has no account');
    return { sessionId: account.sessionId, stop: () => core.close() };
  } catch (error) {
    await core.close();
    throw error;
  }
}

function readState(file: string): EchoPeerState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<EchoPeerState>;
  if (typeof parsed.recoveryPhrase !== 'string' || !Array.isArray(parsed.answered)) {
    throw new Error(`${file} is not an echo peer state file; remove it to start a new echo peer`);
  }
  return { recoveryPhrase: parsed.recoveryPhrase, answered: parsed.answered.filter((k) => typeof k === 'string') };
}

/** Written whole to a temporary file and renamed, so a crash never leaves half a file; owner-only (it holds a phrase). */
function writeState(file: string, state: EchoPeerState): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  renameSync(temporary, file);
}
