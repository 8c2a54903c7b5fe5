/**
 * GET /healthz of the real process on PostgreSQL: a load balancer must stop sending Slack's requests to an instance
 * that cannot reach its database. The app reaches the test's PostgreSQL server through a relay the test cuts.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { createSlackStandIn } from '../../sandbox/stand-in/server.ts';
import { killAllApps, randomBotToken, startApp } from '../support/app-process.ts';
import { describePg, withPgDatabase } from '../support/pg.ts';
import { startTcpRelay } from '../support/tcp-relay.ts';
import { until } from '../support/until.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await killAllApps();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describePg('GET /healthz on PostgreSQL', () => {
  it(
    'answers 503 while the database refuses connections or does not answer, each answer within a bound, and 200 again once it is back',
    async () => {
      const database = await withPgDatabase();
      cleanups.push(() => database.drop());
      const server = new URL(database.url);
      const relay = await startTcpRelay({ host: server.hostname, port: Number(server.port || 5432) });
      cleanups.push(() => relay.close());
      const slack = createSlackStandIn({ botToken: randomBotToken() });
      await slack.start();
      cleanups.push(() => slack.stop());
      // The test server trusts local connections and never asks for it: the password only has to stay out of sight.
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const url = new URL(database.url);
      url.port = String(relay.port);
      url.password = password;
      const app = await startApp({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, env: { DATABASE_URL: url.toString() }, readyTimeoutMs: 60_000 });

      const health = async () => {
        // A health check that hangs would fail here: the load balancer would time it out too.
        const response = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const answers = async (status: number) => {
        const answer = await health();
        return answer.status === status ? answer : undefined;
      };
      expect(await health()).toEqual({ status: 200, body: { ok: true } });

      const beforeOutages = app.logs().length;
      await relay.refuse();
      const refused = await until('/healthz to answer 503 while PostgreSQL refuses connections', () => answers(503), 20_000);
      expect(refused.body).toEqual({ ok: false, reason: 'the database does not answer' });
      await relay.open();
      await until('/healthz to answer 200 again', () => answers(200), 20_000);

      relay.silence();
      await until('/healthz to answer 503 while PostgreSQL does not answer', () => answers(503), 20_000);
      // A crowd of health checks while the database is silent: each is answered (within the fetch's bound above),
      // and they share one check at a time instead of each opening a connection of its own.
      const healthConnections = () => relay.greetings.filter((g) => g.includes('mockdesign-health')).length;
      const before = healthConnections();
      const started = Date.now();
      for (let round = 0; round < 3; round++) {
        const crowd = await Promise.all(Array.from({ length: 20 }, () => health()));
        expect(crowd.map((a) => a.status)).toEqual(Array(20).fill(503));
      }
      // Each check waits up to a second for an answer, and its result serves for a second more.
      expect(healthConnections() - before).toBeLessThanOrEqual(2 + (Date.now() - started) / 1000);
      await relay.open();
      await until('/healthz to answer 200 once PostgreSQL answers again', () => answers(200), 20_000);

      // Said once per outage, not per check (the lines may reach the pipe after the answer); the password nowhere.
      await until('the second recovery in the log', () => app.logs().filter((l) => l.msg === '/healthz answers 200 again: the database answers').length === 2);
      expect(app.logs().filter((l) => l.msg === '/healthz answers 503 until the database answers').map((l) => l.level)).toEqual(['info', 'info']);
      // The outage itself is the delivery engine's to report: an error at most once per outage, nothing else loud.
      const loud = app.logs().slice(beforeOutages).filter((l) => l.level === 'warn' || l.level === 'error');
      expect(loud.map((l) => l.msg).filter((m) => m !== 'the database does not answer; posts wait until it does')).toEqual([]);
      expect(loud.length).toBeLessThanOrEqual(2);
      const output = [...app.stdout, ...app.stderr].join('\n');
      expect(output.includes(password), 'the database password appeared in the output').toBe(false);
    },
    120_000,
  );
});
