/**
 * Fake upstreams for the relay's own tests, no devnet needed: HTTPS servers on 127.0.0.1 with a
 * self-signed certificate, playing a seed (it lists the fake nodes) or a service node (whatever the
 * test's handler answers). Each counts the TCP connections it accepted and which are still open, so
 * a test can wait for the relay to hang up on it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { generate } from 'selfsigned';

export interface FakeUpstream {
  readonly url: string;
  readonly port: number;
  /** Requests received so far (in order). */
  readonly requests: IncomingMessage[];
  /** TCP connections accepted so far, and how many of them are still open. */
  accepted(): number;
  open(): number;
  close(): Promise<void>;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

let tls: Promise<{ cert: string; key: string }> | undefined;

/** One certificate for every fake upstream of a test run (making RSA keys is slow). */
function testTls(): Promise<{ cert: string; key: string }> {
  tls ??= generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' }).then((made) => ({
    cert: made.cert,
    key: made.private,
  }));
  return tls;
}

export async function startFakeUpstream(handler: UpstreamHandler): Promise<FakeUpstream> {
  const material = await testTls();
  const requests: IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer({ cert: material.cert, key: material.key }, (req, res) => {
    requests.push(req);
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/`,
    port,
    requests,
    accepted: () => accepted,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A seed listing `nodes` (each a fake upstream on 127.0.0.1) for `get_n_service_nodes`. */
export function startFakeSeed(nodes: () => readonly { port: number }[]): Promise<FakeUpstream> {
  return startFakeUpstream((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      res.end(seedAnswer(nodes()));
    });
  });
}

export function seedAnswer(nodes: readonly { port: number }[]): string {
  const states = nodes.map((node, i) => ({
    public_ip: '127.0.0.1',
    storage_port: node.port,
    pubkey_ed25519: (i + 1).toString(16).padStart(2, '0').repeat(32),
    pubkey_x25519: 'cc'.repeat(32),
  }));
  return JSON.stringify({ result: { service_node_states: states } });
}

/** Reads the whole body, then calls `answer`. */
export function afterBody(answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): UpstreamHandler {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks)));
  };
}
