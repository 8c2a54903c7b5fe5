import type { KnownBlock, SectionBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../src/slack/limits.ts';
import { escapeMrkdwn } from '../../../../src/slack/mrkdwn.ts';
import { packLines, splitIntoMessages } from '../../../../src/slack/views/split.ts';

const hasLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/**
 * Checks that `chunks` hold exactly `lines`: lines are joined by line breaks, a line longer than `max` is
 * split into consecutive pieces, and the only characters that may go missing are the whitespace at the
 * start of a continuation piece (where the split was made) and empty lines.
 */
function expectSameContent(lines: readonly string[], chunks: readonly string[], max: number): void {
  const pieces = chunks.flatMap((c) => c.split('\n'));
  let p = 0;
  for (const line of lines) {
    if (line === '') {
      if (pieces[p] === '') p++;
      continue;
    }
    if (line.length <= max) {
      expect(pieces[p]).toBe(line);
      p++;
      continue;
    }
    let remaining = line;
    let first = true;
    while (remaining !== '') {
      const piece = pieces[p++];
      expect(piece, `piece ${p - 1} of a line that still had ${JSON.stringify(remaining.slice(0, 30))}…`).toBeDefined();
      if (piece === undefined) return;
      expect(piece.length).toBeGreaterThan(0);
      expect(remaining.startsWith(piece), `piece ${JSON.stringify(piece.slice(0, 30))} continues the line`).toBe(true);
      if (!first) expect(piece).toBe(piece.trimStart());
      remaining = remaining.slice(piece.length).trimStart();
      first = false;
    }
  }
  expect(p, 'no extra pieces').toBe(pieces.length);
}

describe('packLines', () => {
  it('packs short lines together, one line break between them', () => {
    expect(packLines(['aaa', 'bbb', 'ccc'], 7)).toEqual(['aaa\nbbb', 'ccc']);
    expect(packLines(['aaa', 'bbb', 'ccc'], 11)).toEqual(['aaa\nbbb\nccc']);
    expect(packLines(['aaa', 'bbb', 'ccc'], 10)).toEqual(['aaa\nbbb', 'ccc']);
  });

  it('returns nothing for no lines', () => {
    expect(packLines([])).toEqual([]);
  });

  it('uses 3000 characters, the section limit, by default', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(99, 'x'));
    const chunks = packLines(lines);
    expect(chunks.map((c) => c.length)).toEqual([2999, 2999, 2999, 999]);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(LIMITS.sectionText);
  });

  it('splits a line longer than the limit, at a space when there is one late enough', () => {
    expect(packLines(['aaaa bbbb cccc dddd'], 10)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(packLines(['a'.repeat(25)], 10)).toEqual(['a'.repeat(10), 'a'.repeat(10), 'a'.repeat(5)]);
    // a space in the first 60 % is not used: the line is cut at the limit instead
    expect(packLines(['ab cdefghijklmnop'], 10)).toEqual(['ab cdefghi', 'jklmnop']);
  });

  it('does not cut an entity in half', () => {
    expect(packLines([`${'a'.repeat(10)}&amp;${'b'.repeat(10)}`], 12)).toEqual(['a'.repeat(10), `&amp;${'b'.repeat(7)}`, 'bbb']);
    expect(packLines(['&amp;&amp;&amp;&amp;'], 7)).toEqual(['&amp;', '&amp;', '&amp;', '&amp;']);
    expect(packLines([`xxxxxxx&lt;y`], 10)).toEqual(['xxxxxxx', '&lt;y']);
  });

  it('does not split a surrogate pair', () => {
    expect(packLines([`${'a'.repeat(9)}😀b`], 10)).toEqual(['a'.repeat(9), '😀b']);
  });

  it('keeps every chunk within the limit and loses only whitespace at split points', () => {
    const word = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map(escapeMrkdwn),
      fc.constantFrom('&', '<@U123>', '<!channel>', '😀', '👩‍💻', 'é', 'a&b', '&amp;'.repeat(3)).map(escapeMrkdwn),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map(escapeMrkdwn),
    );
    const line = fc.oneof(
      { weight: 3, arbitrary: fc.array(word, { maxLength: 60 }).map((words) => words.join(' ')) },
      { weight: 1, arbitrary: fc.array(word, { maxLength: 40 }).map((words) => words.join('')) },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', '   ') },
    );
    fc.assert(
      fc.property(
        fc.array(line.map((l) => l.replace(/[\n\r]/g, '_')), { maxLength: 20 }),
        fc.integer({ min: 10, max: 400 }),
        (lines, max) => {
          const chunks = packLines(lines, max);
          for (const chunk of chunks) {
            expect(chunk.length).toBeLessThanOrEqual(max);
            expect(chunk.length).toBeGreaterThan(0);
            expect(hasLoneSurrogate(chunk)).toBe(false);
            expect(chunk).not.toMatch(/&(?!amp;|lt;|gt;)/);
          }
          expectSameContent(lines, chunks, max);
          // and nothing at all but whitespace is lost
          expect(chunks.join('').replace(/\s/g, '')).toBe(lines.join('').replace(/\s/g, ''));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

function aSection(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

const continued = (part: number, parts: number): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: `_part ${part} of ${parts}_` }] });

describe('splitIntoMessages', () => {
  it('keeps a small message whole, with no continuation block', () => {
    const blocks = [aSection('one'), aSection('two')];
    const messages = splitIntoMessages(blocks, (part, parts) => `fallback ${part}/${parts}`, continued);
    expect(messages).toEqual([{ text: 'fallback 1/1', blocks }]);
  });

  it('opens every part after the first with the continuation block', () => {
    const blocks = Array.from({ length: 120 }, (_, i) => aSection(`block ${i}`));
    const messages = splitIntoMessages(blocks, (part, parts) => `fallback ${part}/${parts}`, continued);
    expect(messages.map((m) => m.text)).toEqual(['fallback 1/3', 'fallback 2/3', 'fallback 3/3']);
    expect(messages[0]?.blocks[0]).toBe(blocks[0]);
    expect(messages[1]?.blocks[0]).toEqual(continued(2, 3));
    expect(messages[2]?.blocks[0]).toEqual(continued(3, 3));
    for (const message of messages) expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
  });

  it('splits on size before the block count is reached', () => {
    const blocks = Array.from({ length: 10 }, () => aSection('x'.repeat(2900)));
    const messages = splitIntoMessages(blocks, () => 'f', continued);
    expect(messages.length).toBeGreaterThan(2);
    for (const message of messages) expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(LIMITS.messageBlockChars);
  });

  it('always keeps every block in order, within 50 blocks and 11,000 characters a message', () => {
    const text = fc.oneof(
      fc.string({ minLength: 1, maxLength: 3000 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
      fc.constantFrom('"'.repeat(3000), '\\'.repeat(3000), '\n'.repeat(3000), '😀'.repeat(1500)),
    );
    const block = fc.oneof(
      text.map((t): KnownBlock => aSection(t)),
      fc.constant<KnownBlock>({ type: 'divider' }),
      text.map((t): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: t }] })),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 200 }), (blocks) => {
        const calls: [number, number][] = [];
        const messages = splitIntoMessages(
          blocks,
          (part, parts) => {
            calls.push([part, parts]);
            return `Summary (part ${part} of ${parts})`;
          },
          continued,
        );
        const parts = messages.length;
        expect(calls).toEqual(messages.map((_, i) => [i + 1, parts]));
        const kept: KnownBlock[] = [];
        messages.forEach((message, i) => {
          expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
          expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(LIMITS.messageBlockChars);
          expect(message.text).toBe(`Summary (part ${i + 1} of ${parts})`);
          if (i === 0) kept.push(...message.blocks);
          else {
            expect(message.blocks[0]).toEqual(continued(i + 1, parts));
            expect(message.blocks.length).toBeGreaterThan(1);
            kept.push(...message.blocks.slice(1));
          }
        });
        expect(kept.length).toBe(blocks.length);
        kept.forEach((b, i) => expect(b).toBe(blocks[i]));
      }),
      { numRuns: 300 },
    );
  });
});
