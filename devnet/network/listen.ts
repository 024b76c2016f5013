/** Listening on loopback only, and closing without leaving a handle behind (so test runners exit). */
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from './constants.ts';

/** Binds `server` to 127.0.0.1:`port` (0 = any free port) and resolves with the bound port. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, drops every open connection (idle keep-alive ones too) and waits for the close. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    const http = server as Server & { closeAllConnections?: () => void };
    http.closeAllConnections?.();
  });
}
