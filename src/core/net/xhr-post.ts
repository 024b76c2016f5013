/**
 * A POST through XMLHttpRequest, for the one thing fetch cannot do here: report how much of a large
 * request body has been sent. fetch with a Uint8Array body reports nothing, and a streamed body
 * needs HTTP/2 in Chromium (the relay speaks HTTP/1.1); XHR's `upload.onprogress` works in pages
 * and dedicated workers over HTTP/1.1, under the same CSP `connect-src` as fetch. Node has no
 * XMLHttpRequest: the transport then falls back to fetch (transport.ts).
 */
import { abortedError, throwIfAborted } from './abort.ts';

/**
 * The part of XMLHttpRequest used here, declared rather than taken from the DOM library: this file
 * is also compiled for Node, which has neither the type nor the thing.
 */
export interface XhrLike {
  responseType: string;
  withCredentials: boolean;
  readonly status: number;
  readonly response: unknown;
  readonly upload: { onprogress: ((event: XhrProgress) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  ontimeout: (() => void) | null;
  onabort: (() => void) | null;
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  send(body: Uint8Array<ArrayBuffer>): void;
  abort(): void;
}

export interface XhrProgress {
  readonly loaded: number;
  readonly total: number;
  readonly lengthComputable: boolean;
}

/** The XMLHttpRequest constructor: the worker's own, or a test's stand-in. */
export type XhrConstructor = new () => XhrLike;

/** An HTTP answer, whichever API fetched it. */
export interface RawAnswer {
  readonly status: number;
  header(name: string): string | null;
  readonly body: Uint8Array;
}

/** `(sent, total)` bytes of the request body, as the browser hands them to the network. */
export type UploadProgress = (sent: number, total: number) => void;

/**
 * POSTs `body` and resolves with any HTTP answer. Rejects with `aborted` when `signal` fires (the
 * request is cancelled with `xhr.abort()`), and with a plain Error when the network fails (status
 * 0: no answer at all), which the transport reads as "the relay cannot be reached".
 */
export function xhrPost(
  Xhr: XhrConstructor,
  url: string,
  body: Uint8Array,
  contentType: string,
  signal: AbortSignal | undefined,
  onUploadProgress: UploadProgress,
): Promise<RawAnswer> {
  throwIfAborted(signal);
  return new Promise<RawAnswer>((resolve, reject) => {
    const xhr = new Xhr();
    const onAbort = () => xhr.abort();
    const settle = () => signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', url);
    xhr.responseType = 'arraybuffer';
    xhr.withCredentials = false;
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.onprogress = (event) => onUploadProgress(event.loaded, event.lengthComputable ? event.total : body.length);
    xhr.onload = () => {
      settle();
      // The answer has come: the whole body was sent, whatever the last progress event said.
      onUploadProgress(body.length, body.length);
      const response: unknown = xhr.response;
      resolve({
        status: xhr.status,
        header: (name) => xhr.getResponseHeader(name),
        body: response instanceof ArrayBuffer ? new Uint8Array(response) : new Uint8Array(0),
      });
    };
    xhr.onerror = () => {
      settle();
      reject(new Error('the request failed before any answer'));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      settle();
      reject(abortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    onUploadProgress(0, body.length);
    xhr.send(body as Uint8Array<ArrayBuffer>);
  });
}
