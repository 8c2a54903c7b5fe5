import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Note, NoteKind } from '../../../../src/domain/notes.ts';
import { NOTE_KINDS } from '../../../../src/domain/notes.ts';
import { buildSummary } from '../../../../src/domain/summary.ts';
import { LIMITS } from '../../../../src/slack/limits.ts';
import { escapeMrkdwn } from '../../../../src/slack/mrkdwn.ts';
import type { SlackMessage } from '../../../../src/slack/views/message.ts';
import { renderSummary } from '../../../../src/slack/views/summary-message.ts';
import { expectEscaped, expectWithinBlockKitLimits, HOSTILE, mrkdwnTexts, sectionTexts } from '../../support/block-kit.ts';
import { aNote, aSummaryInput, MIN, T0 } from '../../support/builders.ts';

const allBlocks = (messages: readonly SlackMessage[]): KnownBlock[] => messages.flatMap((m) => m.blocks);
const allSectionText = (messages: readonly SlackMessage[]) => sectionTexts(allBlocks(messages)).join('\n');

describe('renderSummary', () => {
  const notes = [
    aNote({ id: 1, phaseIndex: 0, kind: 'requirement', authorId: 'UANA', text: '100M URLs a month', createdAt: T0 + 2 * MIN }),
    aNote({ id: 2, phaseIndex: 1, kind: 'api', authorId: 'UBOB', text: 'POST /urls returns a short code', createdAt: T0 + 8 * MIN }),
    aNote({ id: 3, phaseIndex: 1, kind: 'data_model', authorId: 'UHOST', text: 'code → long URL, in a KV store', createdAt: T0 + 7 * MIN }),
  ];
  const summary = buildSummary(
    aSummaryInput({ hostId: 'UHOST', interviewers: ['UINT'], participants: ['UANA'], notes, endedAt: T0 + 12 * MIN, endReason: 'ended_by_host' }),
  );
  const messages = renderSummary(summary);
  const [message] = messages;

  it('is one message for a normal session, within Block Kit limits', () => {
    expect(messages).toHaveLength(1);
    for (const m of messages) expectWithinBlockKitLimits(m);
    expect(message?.text).toBe('Summary of Design a URL shortener');
  });

  it('opens with a "Summary" header and the topic, people, time and note count', () => {
    expect(message?.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Summary', emoji: true } });
    const overview = sectionTexts(message?.blocks ?? [])[0] ?? '';
    expect(overview.split('\n')).toEqual([
      '*Topic:* Design a URL shortener',
      '*Took part:* <@UHOST>, <@UINT>, <@UANA>, <@UBOB>',
      '*Time:* 45 min planned, 12 min taken (ended early by the host)',
      '*Notes:* 3',
    ]);
  });

  it('shows planned and actual time per phase, "not reached" for the rest', () => {
    const timing = sectionTexts(message?.blocks ?? [])[1] ?? '';
    expect(timing.split('\n')).toEqual([
      '1. *Requirements &amp; scope*: planned 5 min, actual 5 min',
      '2. *High-level design*: planned 20 min, actual 7 min',
      '3. *Deep dive*: planned 15 min, actual not reached',
      '4. *Wrap-up*: planned 5 min, actual not reached',
    ]);
  });

  it('groups notes under their phase, in time order, with author, kind and text', () => {
    const texts = sectionTexts(message?.blocks ?? []).slice(2);
    expect(texts).toEqual([
      '*Requirements &amp; scope* · 1 note\n• <@UANA> · _Requirement_ · 100M URLs a month',
      '*High-level design* · 2 notes\n• <@UHOST> · _Data model_ · code → long URL, in a KV store\n• <@UBOB> · _API_ · POST /urls returns a short code',
      '*Deep dive* · no notes',
      '*Wrap-up* · no notes',
    ]);
  });

  it('closes with the wrap-up reminder', () => {
    const last = message?.blocks.at(-1);
    expect(last?.type).toBe('context');
    expect(mrkdwnTexts(last)[0]).toContain('*Wrap-up reminder:* Close with a short summary');
    expect(message?.blocks.at(-2)).toEqual({ type: 'divider' });
  });

  it('says nothing about ending early when the session ran its course', () => {
    const full = renderSummary(buildSummary(aSummaryInput({ endedAt: T0 + 45 * MIN })));
    expect(allSectionText(full)).toContain('*Time:* 45 min planned, 45 min taken\n');
    expect(allSectionText(full)).not.toContain('early');
  });

  it.each([
    ['channel_not_found', 'stopped: the channel is gone'],
    ['is_archived', 'stopped: the channel was archived'],
    [null, 'ended early'],
    ['something_else', 'ended early'],
  ])('explains an early end with reason %j', (reason, words) => {
    const early = renderSummary(buildSummary(aSummaryInput({ endedAt: T0 + 3 * MIN, endReason: reason })));
    expect(allSectionText(early)).toContain(`3 min taken (${words})`);
  });

  it('escapes a hostile topic and notes everywhere: blocks and fallback text', () => {
    const hostile = buildSummary(
      aSummaryInput({
        topic: HOSTILE,
        hostId: 'UHOST',
        participants: ['<!channel>'],
        notes: [aNote({ text: HOSTILE, authorId: 'UANA' }), aNote({ phaseIndex: 2, text: `multi\nline ${HOSTILE}`, authorId: '<@U999>' })],
      }),
    );
    const rendered = renderSummary(hostile);
    for (const m of rendered) {
      expectWithinBlockKitLimits(m);
      expectEscaped(m.text);
      for (const text of mrkdwnTexts(m.blocks)) expectEscaped(text, ['UHOST', 'UANA']);
      for (const block of m.blocks) if (block.type === 'header') expect(block.text.text).toBe('Summary');
    }
    expect(allSectionText(rendered)).toContain(`*Topic:* ${escapeMrkdwn(HOSTILE)}`);
    expect(allSectionText(rendered)).toContain(`• <@UANA> · _Requirement_ · ${escapeMrkdwn(HOSTILE)}`);
    expect(allSectionText(rendered)).toContain('• &lt;@U999&gt; · _Requirement_ · multi\nline ');
    expect(rendered[0]?.text).toBe(`Summary of ${escapeMrkdwn(HOSTILE)}`);
  });

  describe('a huge summary', () => {
    const kinds = NOTE_KINDS.map((k) => k.value);
    const words = (i: number) =>
      Array.from({ length: 400 }, (_, w) => (w % 7 === 3 ? '<&>' : `w${i}x${w}`)).join(' ').slice(0, 2990).padEnd(3000, '&');
    const hugeNotes: Note[] = Array.from({ length: 300 }, (_, i) =>
      aNote({
        id: 1000 + i,
        phaseIndex: i % 4,
        kind: kinds[i % kinds.length] as NoteKind,
        authorId: `U${String(i % 40).padStart(6, '0')}`,
        text: i % 3 === 0 ? `${i}:${'z'.repeat(2994)}😀` : words(i),
        createdAt: T0 + i * 1000,
      }),
    );
    const huge = renderSummary(buildSummary(aSummaryInput({ topic: `Design ${'&'.repeat(190)}`, notes: hugeNotes })));

    it('is split into several messages, each within Block Kit limits', () => {
      expect(huge.length).toBeGreaterThan(1);
      huge.forEach((m, i) => {
        expectWithinBlockKitLimits(m);
        expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
        for (const text of sectionTexts(m.blocks)) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
        expect(m.text).toContain(`(part ${i + 1} of ${huge.length})`);
        if (i > 0) expect(mrkdwnTexts(m.blocks[0])).toEqual([`_Summary, part ${i + 1} of ${huge.length}_`]);
      });
    });

    it('cuts no section short: no text ends with the … of a truncation', () => {
      for (const text of sectionTexts(allBlocks(huge))) expect(text.endsWith('…')).toBe(false);
    });

    it('has every note, in full, across the parts', () => {
      const flat = allSectionText(huge).replace(/\s/g, '');
      for (const note of hugeNotes) {
        const line = `•<@${note.authorId}>·_${NOTE_KINDS.find((k) => k.value === note.kind)?.label}_·${escapeMrkdwn(note.text)}`;
        expect(flat.includes(line.replace(/\s/g, '')), `note ${note.id} is complete`).toBe(true);
      }
    });

    it('keeps the notes of each phase under that phase, in time order', () => {
      const flat = allSectionText(huge);
      const headings = ['*Requirements &amp; scope* · 75 notes', '*High-level design* · 75 notes', '*Deep dive* · 75 notes', '*Wrap-up* · 75 notes'];
      const at = headings.map((h) => flat.indexOf(h));
      for (const i of at) expect(i).toBeGreaterThan(-1);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      const firstOfPhase1 = flat.indexOf(escapeMrkdwn(hugeNotes[1]?.text ?? '').slice(0, 40));
      expect(firstOfPhase1).toBeGreaterThan(at[1] ?? Infinity);
      expect(firstOfPhase1).toBeLessThan(at[2] ?? -1);
    });
  });

  // With the host and 250 note authors (U00000000…U00000249) the "Took part" line alone is 3,525 characters:
  // the overview must be split like the notes, dropping nobody and no line after it.
  it('lists every participant, even in a very large study group', () => {
    const people = Array.from({ length: 250 }, (_, i) => `U${String(i).padStart(8, '0')}`);
    const rendered = renderSummary(buildSummary(aSummaryInput({ notes: people.map((authorId) => aNote({ authorId })) })));
    const all = allSectionText(rendered);
    const tookPart = all.slice(all.indexOf('*Took part:*'), all.indexOf('*Time:*'));
    for (const id of ['UHOST', ...people]) expect(tookPart).toContain(`<@${id}>`);
    expect(tookPart.endsWith('…')).toBe(false);
    expect(allSectionText(rendered)).toContain('*Notes:* 250');
  });
});

describe('renderSummary: a study group', () => {
  it('records how many of its members added to each phase, and says so when nobody joined', () => {
    const summary = buildSummary(aSummaryInput());
    const text = (studyGroup?: { members: number; perPhase: number[] }) => renderSummary(summary, undefined, studyGroup).flatMap((m) => mrkdwnTexts(m.blocks)).join('\n');
    expect(text({ members: 3, perPhase: [3, 2, 0, 1] })).toContain('*Members:* 3 · contributed: Requirements &amp; scope 3 of 3 · High-level design 2 of 3 · Deep dive 0 of 3 · Wrap-up 1 of 3');
    expect(text({ members: 0, perPhase: [0, 0, 0, 0] })).toContain('*Members:* nobody joined');
    expect(text()).not.toContain('*Members:*');
  });

  it('says a phase the session never reached was not reached, rather than that nobody added to it', () => {
    // Ended by the host 30 minutes in, during the deep dive: the wrap-up never began.
    const ended = buildSummary(aSummaryInput({ endedAt: T0 + 30 * MIN, endReason: 'ended_by_host' }));
    const text = renderSummary(ended, undefined, { members: 2, perPhase: [2, 1, 0, 0] }).flatMap((m) => mrkdwnTexts(m.blocks)).join('\n');
    expect(text).toContain('*Members:* 2 · contributed: Requirements &amp; scope 2 of 2 · High-level design 1 of 2 · Deep dive 0 of 2 · Wrap-up not reached');
    expect(text).toContain('4. *Wrap-up*: planned 5 min, actual not reached');
  });
});
