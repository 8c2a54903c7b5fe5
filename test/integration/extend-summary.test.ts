/**
 * Extending a phase, through the real Bolt router: the schedule runs on the longer phase, and the summary keeps the
 * plan and the time added apart, so planned vs actual still shows what happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { allText, createHarness, type Harness } from '../support/harness.ts';

const SEC = 1000;
const MIN = 60 * SEC;
let h: Harness;
afterEach(async () => {
  await h?.close();
});

const summaryText = () => h.thread().map((m) => allText(m)).find((t) => t.includes('Summary')) ?? '';

describe('the summary of an extended session', () => {
  it('shows the planned length and the time added apart, while the phase runs for both', async () => {
    h = await createHarness();
    await h.command('start Design a key-value store --plan 1m/1m/1m/1m');
    await h.tick();
    // Three ways of adding time: 45 s + 15 s + the default 5 min (each a different amount: the same amount again at
    // once would be taken for a repeat of the first).
    await h.command('extend 45s');
    await h.command('+0.25');
    await h.command('extend');
    await h.tick();
    // The schedule runs on the extended length; the session message shows the plan and the time added apart.
    expect(allText(h.root() ?? {})).toContain('*Requirements &amp; scope* · 1 min (+6 min)');
    const phase2 = () => Number(h.db.prepare('SELECT starts_at FROM session_phases WHERE idx = 1').pluck().get());
    const created = Number(h.db.prepare('SELECT created_at FROM sessions').pluck().get());
    expect(phase2() - created).toBe(7 * MIN);

    await h.advance(10 * SEC, 10 * SEC);
    await h.command('next');
    await h.advance(3 * MIN, 10 * SEC);
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('ended');

    const summary = summaryText();
    expect(summary).toContain('*Time:* 4 min planned (+6 min added), 3 min 10 s taken');
    expect(summary).toContain('1. *Requirements &amp; scope*: planned 1 min (+6 min added), actual 10 s');
    expect(summary).toContain('2. *High-level design*: planned 1 min, actual 1 min');
    expect(summary).toContain('4. *Wrap-up*: planned 1 min, actual 1 min');
  });

  it('says nothing of time added when none was', async () => {
    h = await createHarness();
    await h.command('start Design a key-value store --plan 1m/1m/1m/1m');
    await h.advance(4 * MIN, 10 * SEC);
    const summary = summaryText();
    expect(summary).toContain('*Time:* 4 min planned, 4 min taken');
    expect(summary).toContain('1. *Requirements &amp; scope*: planned 1 min, actual 1 min');
    expect(summary).not.toContain('added');
  });
});
