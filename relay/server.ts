/**
 * The relay's HTTP server. It tries its routes in order and falls back to serving the built app.
 * A route answers the requests it recognises and returns true, or returns false to pass the
 * request on. The server's own timeouts close slow clients' connections (limits.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { relayLimits, type RelayLimits } from './limits.ts';
import { SECURITY_HEADERS, applySecurityHeaders, createStaticHandler } from './static.ts';
import type { RelayTraffic } from './traffic.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface RelayServerOptions {
  /** The built app to serve (dist/). */
  readonly distDir: string;
  /** Tried in order before the static files. */
  readonly routes?: readonly Route[];
  /** The timeouts are read from here; the defaults when not given. */
  readonly limits?: RelayLimits;
  /** Counts each request's bytes per route when given (traffic.ts). */
  readonly traffic?: RelayTraffic;
}

export function createRelayServer(options: RelayServerOptions): Server {
  const routes = options.routes ?? [];
  const serveStatic = createStaticHandler({ root: options.distDir });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    applySecurityHeaders(res);
    for (const route of routes) {
      if (await route(req, res)) return;
    }
    await serveStatic(req, res);
  }

  const limits = options.limits ?? relayLimits();
  const server = createServer(
    {
      // A client has this long for its headers, and this long for its whole request: no more
      // holding a socket for minutes by sending a byte now and then.
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    },
    (req, res) => {
      options.traffic?.count(req, res);
      handle(req, res).catch((error: unknown) => {
        console.error('relay: request failed', req.method, req.url?.split('?')[0], error);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end('Internal Server Error\n');
        } else {
          res.destroy();
        }
      });
    },
  );
  // CONNECT and protocol upgrades (WebSocket…) are taken off the HTTP parser by Node and, with no
  // listener, dropped without a word; the relay has neither, and says so like any other refusal.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => refuseRaw(socket, 405, 'Method Not Allowed'));
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => refuseRaw(socket, 400, 'Bad Request'));
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // No traffic either way for this long (a client that stopped reading its answer): the socket is destroyed.
  server.setTimeout(limits.idleSocketTimeoutMs);
  return server;
}

/** Answers on a socket the HTTP server has let go of, then closes it. */
function refuseRaw(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  // Whatever else the client sends is read and dropped, and a client that never hangs up is cut off.
  socket.resume();
  setTimeout(() => socket.destroy(), 5_000).unref();
  const headers = [...Object.entries(SECURITY_HEADERS), ['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(reason.length + 1)], ['Connection', 'close']];
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${reason}\n`);
}

/** Starts listening and resolves with the URL to open, e.g. "http://127.0.0.1:8080/". */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${shownHost}:${address.port}/`);
    });
  });
}

/** Stops accepting connections and closes the open ones. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
