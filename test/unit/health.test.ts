/** /healthz's database check: polled by load balancers, so answered from a recent result and run one at a time. */
import { describe, expect, it } from 'vitest';
import { DATABASE_CHECK_MAX_AGE_MS, databaseHealth } from '../../src/app/health.ts';
import { createLogger } from '../../src/logger.ts';
import { fixedClock } from '../support/fixed-clock.ts';

function setUp() {
  const clock = fixedClock();
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  let answering = true;
  let pings = 0;
  let release: () => void = () => undefined;
  let held = false;
  const ping = async () => {
    pings++;
    if (held) await new Promise<void>((r) => (release = r));
    if (!answering) throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
  };
  const health = databaseHealth(ping, { clock: clock.now, logger });
  return {
    clock,
    logs,
    health,
    pings: () => pings,
    set answering(value: boolean) {
      answering = value;
    },
    hold: () => (held = true),
    release: () => {
      held = false;
      release();
    },
  };
}

describe('databaseHealth', () => {
  it('reuses a result younger than the maximum age instead of asking the database again', async () => {
    const t = setUp();
    expect(await t.health()).toEqual({ ok: true });
    t.clock.advance(DATABASE_CHECK_MAX_AGE_MS - 1);
    for (let i = 0; i < 50; i++) expect(await t.health()).toEqual({ ok: true });
    expect(t.pings()).toBe(1);
    t.clock.advance(1);
    await t.health();
    expect(t.pings()).toBe(2);
  });

  it('runs one check at a time: health checks arriving meanwhile wait for it', async () => {
    const t = setUp();
    t.hold();
    const crowd = Array.from({ length: 30 }, () => t.health());
    t.answering = false;
    t.release();
    const answers = await Promise.all(crowd);
    expect(answers).toEqual(Array(30).fill({ ok: false, reason: 'the database does not answer' }));
    expect(t.pings()).toBe(1);
  });

  it('says once that the database stopped answering, and once that it answers again, without the reason in the answer', async () => {
    const t = setUp();
    await t.health();
    t.answering = false;
    for (let i = 0; i < 5; i++) {
      t.clock.advance(DATABASE_CHECK_MAX_AGE_MS);
      expect(await t.health()).toEqual({ ok: false, reason: 'the database does not answer' });
    }
    t.answering = true;
    t.clock.advance(DATABASE_CHECK_MAX_AGE_MS);
    expect(await t.health()).toEqual({ ok: true });
    expect(t.pings()).toBe(7);
    expect(t.logs.map((l) => [l.level, l.msg, l.reason])).toEqual([
      ['info', '/healthz answers 503 until the database answers', 'connect ECONNREFUSED 10.0.0.5:5432'],
      ['info', '/healthz answers 200 again: the database answers', undefined],
    ]);
  });
});
