/**
 * A bare fake of Slack's Web API that counts connections: how many were made to it, how many the client closed,
 * how many requests came. Every call is answered `ok` with a fresh `ts` (and the channel a JSON body named). It
 * keeps idle connections far longer than any test, so only the client closes one.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingSlack {
  /** The Web API's base URL, ending in a slash. */
  readonly url: string;
  readonly opened: number;
  readonly endedByClient: number;
  readonly requests: number;
  /** For each request in the order they came, which connection it came on (1 for the first one made, …). */
  readonly connectionOfRequest: readonly number[];
  close(): Promise<void>;
}

export async function startCountingSlack(): Promise<CountingSlack> {
  let opened = 0;
  let endedByClient = 0;
  let requests = 0;
  const numbers = new WeakMap<object, number>();
  const connectionOfRequest: number[] = [];
  const server = createServer((req, res) => {
    requests += 1;
    connectionOfRequest.push(numbers.get(req.socket) ?? 0);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let channel: unknown;
      try {
        channel = (JSON.parse(Buffer.concat(chunks).toString()) as { channel?: unknown }).channel;
      } catch {
        channel = undefined;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel, ts: `1700000000.${String(requests).padStart(6, '0')}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    opened += 1;
    numbers.set(socket, opened);
    socket.on('end', () => (endedByClient += 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    get opened() {
      return opened;
    },
    get endedByClient() {
      return endedByClient;
    },
    get requests() {
      return requests;
    },
    connectionOfRequest,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
