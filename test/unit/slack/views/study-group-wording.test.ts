/** Wording of a study group's DMs and of the panel's private summary: early closes, escaped notifications, plurals. */
import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../../../src/domain/duration.ts';
import type { Digest } from '../../../../src/domain/reminders.ts';
import type { Session } from '../../../../src/domain/session.ts';
import { renderPrivateSummary } from '../../../../src/slack/views/nudge-message.ts';
import { closedEarly, renderDigest, renderReminder } from '../../../../src/slack/views/study-group.ts';
import { mrkdwnTexts } from '../../support/block-kit.ts';
import { aNote, aSession, T0 } from '../../support/builders.ts';

const group = aSession({ isAsync: true, plan: [DAY, DAY, DAY, DAY], topic: 'Design Dropbox' });
const digest: Digest = { contributed: ['UA'], missing: ['UB'], others: [] };
const digestText = (session: Session) => mrkdwnTexts(renderDigest(session, 0, digest).blocks).join('\n');

/** The first phase closed with `next` after `after` ms: the later phases start then. */
function movedOn(session: Session, after: number): Session {
  const shift = session.createdAt + after - (session.phases[1]?.startsAt ?? 0);
  return { ...session, phases: session.phases.map((p) => (p.index > 0 ? { ...p, startsAt: p.startsAt + shift } : p)), endsAt: session.endsAt + shift, movedAt: T0 + after };
}

/** The same session with its first phase changed. */
function firstPhase(session: Session, patch: { plannedMs?: number; pausedMs?: number }): Session {
  return { ...session, phases: session.phases.map((p) => (p.index === 0 ? { ...p, ...patch } : p)) };
}

describe('the host’s digest', () => {
  it('says the deadline was reached when the phase ran its time', () => {
    expect(closedEarly(group, 0)).toBe(false);
    expect(digestText(group)).toContain('*Requirements &amp; scope* of *Design Dropbox* in <#C0001> has reached its deadline.');
    expect(renderDigest(group, 0, digest).text).toBe('Deadline reached: Requirements &amp; scope of Design Dropbox: 1 of 2 members contributed');
  });

  it('says the phase was closed early when the host moved on before its deadline', () => {
    const early = movedOn(group, 4 * HOUR);
    expect(closedEarly(early, 0)).toBe(true);
    const text = digestText(early);
    expect(text).toContain('*Requirements &amp; scope* of *Design Dropbox* in <#C0001> was closed early, before its deadline.');
    expect(text).not.toContain('reached its deadline');
    expect(renderDigest(early, 0, digest).text).toBe('Closed early: Requirements &amp; scope of Design Dropbox: 1 of 2 members contributed');
  });

  it('counts time added with extend and time spent paused as part of the phase', () => {
    // Extended by 2 h: planned 26 h, ran 26 h.
    expect(closedEarly(firstPhase(movedOn(group, DAY + 2 * HOUR), { plannedMs: DAY + 2 * HOUR }), 0)).toBe(false);
    // Paused for 3 h, then ran to its deadline: 27 h in all.
    expect(closedEarly(firstPhase(movedOn(group, DAY + 3 * HOUR), { pausedMs: 3 * HOUR }), 0)).toBe(false);
    // Paused for 3 h, then closed with next an hour later.
    const pausedThenNext = firstPhase(movedOn(group, 4 * HOUR), { pausedMs: 3 * HOUR });
    expect(closedEarly(pausedThenNext, 0)).toBe(true);
  });
});

describe('notification texts', () => {
  it('escape the phase name like every other fallback', () => {
    expect(renderReminder(group, 0).text).toBe('Requirements &amp; scope of Design Dropbox closes soon, and you have not added to it yet');
    expect(renderDigest(group, 0, digest).text).toContain('Requirements &amp; scope of');
    expect(renderDigest(group, 0, digest).text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });
});

describe('the panel’s private summary', () => {
  const live = aSession({ candidateId: 'UCAND', interviewers: ['UINT'], topic: 'Design a URL shortener' });
  const note = (text: string) => aNote({ authorId: 'UINT', text, visibility: 'interviewers', kind: 'feedback' });

  it('says "1 private note" for one, and "notes" for more', () => {
    expect(renderPrivateSummary(live, [note('one')])[0]?.text).toBe('For the panel: 1 private note from Design a URL shortener');
    expect(renderPrivateSummary(live, [note('one'), note('two')])[0]?.text).toBe('For the panel: 2 private notes from Design a URL shortener');
  });
});
