/**
 * A TCP relay on a port of its own in front of a real server (PostgreSQL), that a test can cut: refusing every
 * connection, or holding every byte as a network that has gone quiet does. The app under test is pointed at the
 * relay and never knows; the server itself is untouched, so other tests using it are not disturbed.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type RelayState = 'open' | 'refusing' | 'silent';

export interface TcpRelay {
  readonly port: number;
  readonly state: RelayState;
  /**
   * The first bytes of each connection, in order: a PostgreSQL start-up message names the client's
   * application_name, so a test can tell whose connections these were.
   */
  readonly greetings: readonly string[];
  /** Forwards again (what was held goes through first), listening again on the same port if it was refusing. */
  open(): Promise<void>;
  /** Closes every connection and stops listening: new connections are refused. */
  refuse(): Promise<void>;
  /**
   * Keeps every connection and accepts new ones, but holds what either side sends until `open`: no answer, no
   * error, as when packets are dropped and TCP keeps retransmitting.
   */
  silence(): void;
  /**
   * From the moment the app sends a statement containing `marker` on a connection, holds what the server answers
   * on that connection for good (`refuse` drops it with the connection): the server does the work and the app never
   * hears of it, as when the network fails between a commit and its answer. Other connections go on as before.
   */
  loseAnswersAfter(marker: string): void;
  close(): Promise<void>;
}

export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  let state: RelayState = 'open';
  const sockets = new Set<Socket>();
  const greetings: string[] = [];
  /** Sends what each direction held while silent. */
  const flushers = new Set<() => void>();

  /** The statement text that makes a connection lose its answers (see loseAnswersAfter), while armed. */
  let loseAfter: string | undefined;

  /** `deaf`: whether this direction's data is held even while open (answers on a connection that lost them). */
  const relay = (from: Socket, to: Socket, deaf: () => boolean = () => false) => {
    const held: Buffer[] = [];
    const flush = () => {
      if (deaf()) return;
      for (const chunk of held.splice(0)) to.write(chunk);
    };
    flushers.add(flush);
    from.on('close', () => flushers.delete(flush));
    from.on('data', (chunk: Buffer) => {
      if (state === 'open' && !deaf()) to.write(chunk);
      else held.push(chunk);
    });
  };

  const onConnection = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.once('data', (chunk: Buffer) => greetings.push(chunk.toString('latin1')));
    let losing = false;
    client.on('data', (chunk: Buffer) => {
      if (loseAfter !== undefined && chunk.toString('latin1').includes(loseAfter)) {
        losing = true;
        loseAfter = undefined;
      }
    });
    relay(client, upstream);
    relay(upstream, client, () => losing);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(0);

  const refuse = async () => {
    if (state === 'refusing') return;
    state = 'refusing';
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };

  return {
    port,
    get state() {
      return state;
    },
    greetings,
    async open() {
      if (state === 'refusing') {
        server = createServer(onConnection);
        await listen(port);
      }
      state = 'open';
      for (const flush of flushers) flush();
    },
    refuse,
    silence() {
      state = 'silent';
    },
    loseAnswersAfter(marker) {
      loseAfter = marker;
    },
    close: refuse,
  };
}

/** A relay in front of the server of a database URL, and the same URL pointed through it. */
export async function relayDatabase(databaseUrl: string): Promise<{ relay: TcpRelay; url: URL }> {
  const target = new URL(databaseUrl);
  const relay = await startTcpRelay({ host: target.hostname, port: Number(target.port || 5432) });
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${relay.port}`;
  return { relay, url };
}
