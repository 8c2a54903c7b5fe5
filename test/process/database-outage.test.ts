/**
 * The app as a process, on a PostgreSQL database of its own that it reaches through a TCP relay in the test: the
 * relay is cut for a few ticks (open connections dropped, new ones dropped as they come: a network cut, or a server
 * restarting) and then relays again. What the whole app logs meanwhile, and that its session carries on by itself.
 */
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { createSlackStandIn, type RecordedCall } from '../../sandbox/stand-in/server.ts';
import { killAllApps, randomBotToken, startApp } from '../support/app-process.ts';
import { describePg, withPgDatabase } from '../support/pg.ts';
import { until } from '../support/until.ts';

const TEAM = 'T0SANDBOX';
const HOST = 'U0ALICE';
const CHANNEL = 'C0OUTAGE';
/** The server trusts the test's connections; the password is there to show it never reaches a log line. */
const PASSWORD = 'process-secret-pw';

afterAll(async () => {
  await killAllApps();
});

/** Relays connections to the server; while cut, drops those open and each new one as it comes, counting them. */
async function relay(to: URL): Promise<{ port: number; readonly dropped: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let cut = false;
  let dropped = 0;
  const server = createServer((client) => {
    if (cut) {
      dropped += 1;
      client.destroy();
      return;
    }
    const upstream = connect(Number(to.port || 5432), to.hostname);
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    get dropped() {
      return dropped;
    },
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const payload = (c: RecordedCall) => (c.params.metadata as { event_payload?: { session_id?: string; step?: string; part?: number } } | undefined)?.event_payload;

describePg('the app while its PostgreSQL database does not answer', () => {
  it('says so once as it begins and once as it ends, and the session carries on by itself', async () => {
    const database = await withPgDatabase();
    const slack = createSlackStandIn({ botToken: randomBotToken(), channels: [{ id: CHANNEL, name: 'outage', members: [HOST], botIsMember: true }] });
    await slack.start();
    const network = await relay(new URL(database.url));
    try {
      const url = new URL(database.url);
      url.host = `127.0.0.1:${network.port}`;
      url.password = PASSWORD;
      const app = await startApp({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, env: { DATABASE_URL: url.toString(), LOG_LEVEL: 'debug' }, readyTimeoutMs: 60_000 });
      const answer = await app.client.slashCommand({ command: '/mockdesign', text: 'start Outage --plan 6s/2s/2s/2s', user_id: HOST, channel_id: CHANNEL, team_id: TEAM });
      expect(answer.status).toBe(200);
      const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && payload(c)?.session_id);
      await until('the session message and its first phase', () => posts().length >= 2);

      const from = app.logs().length;
      network.cut();
      // The tick tries the database again after 1, 2 and 4 s, and so on, the wait doubling with each failed claim
      // (each try a debug line). Whether the first claim to fail is itself such a line depends on what met the
      // outage first: a claim (then it is the warning), or a post under way (then the claims' lines start at 1 s).
      const retries = () => app.logs().filter((l) => l.msg === 'the database still does not answer');
      await until('two failed claims after the first', () => retries().length >= 2, 30_000);
      const [first, second] = retries().map((l) => ({ claims: Number(l.failed_claims), waitMs: Number(l.next_try_ms) }));
      expect(first?.waitMs).toBe(1000 * 2 ** ((first?.claims ?? 0) - 1));
      expect(second).toEqual({ claims: (first?.claims ?? 0) + 1, waitMs: 2 * (first?.waitMs ?? 0) });
      network.restore();
      await until('the database to be seen answering again', () => app.logs().some((l) => l.msg === 'the database answers again; posts resume'), 30_000);
      const since = app.logs().slice(from);
      const outage = since.slice(0, since.findIndex((l) => l.msg === 'the database answers again; posts resume') + 1);

      // One warning or error for the outage: the one saying it began, with the reason and not the password.
      const loud = outage.filter((l) => l.level === 'warn' || l.level === 'error');
      expect(loud.map((l) => l.msg)).toEqual(['the database does not answer; posts wait until it does']);
      expect(outage.at(-1)).toMatchObject({ level: 'info', down_ms: expect.any(Number), failed_claims: expect.any(Number) });
      expect(Number(outage.at(-1)?.failed_claims)).toBeGreaterThanOrEqual(second?.claims ?? Number.POSITIVE_INFINITY);
      expect(app.stdout.join('\n')).not.toContain(PASSWORD);

      // The session carries on to its summary, every post once (one fell due while the database was away).
      await until('the summary', () => posts().some((c) => payload(c)?.step === 'summary'), 60_000);
      const keys = posts().map((c) => `${payload(c)?.step}/${payload(c)?.part}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(app.hasExited).toBe(false);
      expect(await app.stop()).toBe(0);
    } finally {
      await network.close();
      await slack.stop();
      await database.drop();
    }
  }, 120_000);
});
