/** Sends raw bytes over TLS and collects whatever comes back until the server closes (tests of malformed HTTP). */
import { connect } from 'node:tls';

export function rawTlsExchange(port: number, request: Uint8Array | string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => socket.write(request));
    const done = (): void => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      socket.destroy();
      done();
    });
    socket.on('close', done);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the server has answered is how a refused upload ends; the answer is what counts.
      if (chunks.length > 0) done();
      else {
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}
