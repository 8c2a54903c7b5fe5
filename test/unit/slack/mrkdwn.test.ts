import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, escapeMrkdwn, mention, phaseName, plainFromSlack, slackDate, slackToPlain, slackWhen, strong, strongLink, truncate, unnamedMentions } from '../../../src/slack/mrkdwn.ts';
import { HR, MIN, T0 } from '../support/builders.ts';

const hasLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('escapeMrkdwn', () => {
  it('escapes &, < and >, and nothing else', () => {
    expect(escapeMrkdwn('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(escapeMrkdwn('*bold* _it_ `code` ~s~ "q" \'a\' |')).toBe('*bold* _it_ `code` ~s~ "q" \'a\' |');
  });

  it('turns channel pings, mentions and links into harmless text', () => {
    expect(escapeMrkdwn('<!channel> <@U123> <https://evil.example|click>')).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt;',
    );
  });

  it('escapes an entity the user typed, so it shows as typed', () => {
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('is undone by decodeEntities, and leaves no < or > and only entity ampersands', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const escaped = escapeMrkdwn(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;)/);
        expect(decodeEntities(escaped)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decodeEntities', () => {
  it('decodes the three entities Slack sends', () => {
    expect(decodeEntities('&lt;@U1&gt; &amp; co')).toBe('<@U1> & co');
  });

  it('decodes once: an escaped entity stays an entity', () => {
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
    expect(decodeEntities('&amp;amp;')).toBe('&amp;');
  });

  it('leaves other entities and bare ampersands alone', () => {
    expect(decodeEntities('&quot; &#39; & &nbsp;')).toBe('&quot; &#39; & &nbsp;');
  });
});

describe('slackToPlain', () => {
  it.each([
    ['<@U1|ana>', '@ana'],
    ['<@U1>', '@U1'],
    ['<#C1|general>', '#general'],
    ['<#C1>', '#C1'],
    ['<!channel>', '@channel'],
    ['<!here>', '@here'],
    ['<!here|here>', 'here'],
    ['<!everyone>', '@everyone'],
    ['<!subteam^S123|@oncall>', '@oncall'],
    ['<!subteam^S123>', '@subteam'],
    ['<!date^1893488400^{time}|09:00 UTC>', '09:00 UTC'],
    ['<https://example.com|the docs>', 'the docs (https://example.com)'],
    ['<https://example.com>', 'https://example.com'],
    ['<https://example.com|https://example.com>', 'https://example.com'],
    ['<mailto:a@b.example|mail me>', 'mail me (mailto:a@b.example)'],
  ])('turns %j into %j', (markup, plain) => {
    expect(slackToPlain(markup)).toBe(plain);
  });

  it('converts every piece of markup in a sentence and keeps the rest', () => {
    expect(slackToPlain('Design <#C1|general> chat for <@U1|ana> and <!here>, see <https://x.example|spec>!')).toBe(
      'Design #general chat for @ana and @here, see spec (https://x.example)!',
    );
  });

  it('leaves text without markup unchanged', () => {
    expect(slackToPlain('Design a URL shortener: 100:1 reads/writes')).toBe('Design a URL shortener: 100:1 reads/writes');
    expect(slackToPlain('reads > writes')).toBe('reads > writes');
  });

  it('leaves nothing that could ping or link once escaped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('<!channel>', '<!here>', '<@U1|a>', '<#C1>', '<https://e.example|x>', 'text', ' ', '<', '>', '|', '!'), { maxLength: 10 }),
        (parts) => {
          const shown = escapeMrkdwn(slackToPlain(parts.join('')));
          expect(shown).not.toMatch(/[<>]/);
        },
      ),
    );
  });

  // The command listener decodes entities before calling slackToPlain, so a topic typed as
  // "p99 < 10ms for > 1M users" reaches it with real angle brackets: they are not Slack markup and must stay.
  it('keeps angle brackets that are not Slack markup', () => {
    expect(slackToPlain('p99 < 10ms for > 1M users')).toBe('p99 < 10ms for > 1M users');
  });
});

describe('slackToPlain with names, and unnamedMentions', () => {
  it('names the people and channels a message mentions by id only, and keeps the id of anyone not named', () => {
    const names = { users: new Map([['U0BOB', 'bob']]), channels: new Map([['C0PREP', 'interview-prep']]) };
    expect(slackToPlain('for <@U0BOB> and <@U0ZED>, see <#C0PREP> and <#C0GONE|>', names)).toBe('for @bob and @U0ZED, see #interview-prep and #C0GONE');
    // A label Slack sent wins over a looked-up name.
    expect(slackToPlain('<@U0BOB|robert>', names)).toBe('@robert');
    expect(plainFromSlack('<@U0BOB> &amp; a &lt;ring&gt;', names)).toBe('@bob & a <ring>');
  });

  it('lists each person and channel mentioned without a name once, in order', () => {
    expect(unnamedMentions('<@U0BOB> <@U0CAROL|carol> <#C0PREP> <#C0GEN|> <@U0BOB> <!here> <@W0ENT>')).toEqual({ users: ['U0BOB', 'W0ENT'], channels: ['C0PREP', 'C0GEN'] });
    expect(unnamedMentions('no mentions &lt;@U0BOB&gt;')).toEqual({ users: [], channels: [] });
  });
});

describe('strong and strongLink', () => {
  it('puts text without emphasis marks in bold, escaped', () => {
    expect(strong('Design a <ring> & cache')).toBe('*Design a &lt;ring&gt; &amp; cache*');
    expect(strongLink('https://x.example/p1', 'Design X')).toBe('*<https://x.example/p1|Design X>*');
  });

  // Slack's mrkdwn cannot escape *, _, ~ or `: around such text the bold would close early and show stray marks.
  it.each(['Design *Twitter*', 'with _feeds_', 'and `code`', '~x~', 'a*b'])('shows %j as typed, without the bold', (text) => {
    expect(strong(text)).toBe(escapeMrkdwn(text));
    expect(strongLink('https://x.example/p1', text)).toBe(`<https://x.example/p1|${escapeMrkdwn(text)}>`);
  });
});

describe('truncate', () => {
  it('returns text within the limit unchanged', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('', 3)).toBe('');
  });

  it('cuts longer text to exactly the limit, ending with …', () => {
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('hello world', 6)).toHaveLength(6);
  });

  it('does not split a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('abc😀d', 5)).toBe('abc…');
    expect(truncate('abc😀de', 6)).toBe('abc😀…');
  });

  it('drops an entity the cut would break', () => {
    expect(truncate('abc&amp;def', 6)).toBe('abc…');
    expect(truncate('abc&amp;def', 8)).toBe('abc…');
    expect(truncate('abc&amp;def', 9)).toBe('abc&amp;…');
    expect(truncate('a&lt;b&gt;c', 4)).toBe('a…');
  });

  it('always respects the limit and never leaves a lone surrogate or a broken entity', () => {
    const piece = fc.constantFrom('a', ' ', '😀', '&amp;', '&lt;', '&gt;', 'é', '👩‍💻');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 60 }), (pieces, max) => {
        const text = pieces.join('');
        const cut = truncate(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        if (text.length <= max) expect(cut).toBe(text);
        else {
          expect(cut.endsWith('…')).toBe(true);
          expect(text.startsWith(cut.slice(0, -1))).toBe(true);
          expect(hasLoneSurrogate(cut)).toBe(false);
          expect(cut).not.toMatch(/&(?!amp;|lt;|gt;)/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('slackDate and slackWhen', () => {
  it('formats a time with a UTC fallback, in whole seconds', () => {
    expect(slackDate(T0)).toBe(`<!date^${T0 / 1000}^{time}|09:00 UTC>`);
    expect(slackDate(T0 + 999)).toBe(`<!date^${T0 / 1000}^{time}|09:00 UTC>`);
    expect(slackDate(Date.UTC(2030, 5, 15, 23, 59, 30))).toBe(`<!date^${Date.UTC(2030, 5, 15, 23, 59, 30) / 1000}^{time}|23:59 UTC>`);
  });

  it('adds the date to the fallback when the format shows one', () => {
    expect(slackDate(T0, '{date_short_pretty} {time}')).toBe(`<!date^${T0 / 1000}^{date_short_pretty} {time}|2030-01-01 09:00 UTC>`);
  });

  it('shows a time of day alone for moments within the hour, either way', () => {
    expect(slackWhen(T0 + 45 * MIN, T0)).toBe(slackDate(T0 + 45 * MIN));
    expect(slackWhen(T0 + HR, T0)).toBe(slackDate(T0 + HR));
    expect(slackWhen(T0 - 30 * MIN, T0)).toBe(slackDate(T0 - 30 * MIN));
  });

  // Six hours on from 19:30 is 01:30 the next day: a bare "01:30" reads as a time already past.
  it('gives the day, in the reader’s zone, for anything further than an hour, and the date in the fallback too', () => {
    const evening = Date.UTC(2030, 0, 1, 19, 30);
    const later = evening + 6 * HR;
    expect(slackWhen(later, evening)).toBe(`<!date^${later / 1000}^{date_short_pretty} {time}|2030-01-02 01:30 UTC>`);
    expect(slackWhen(T0 + HR + 1000, T0)).toContain('{date_short_pretty}');
    expect(slackWhen(T0 + 2 * HR, T0)).toBe(`<!date^${(T0 + 2 * HR) / 1000}^{date_short_pretty} {time}|2030-01-01 11:00 UTC>`);
    expect(slackWhen(T0 - 21 * HR, T0)).toContain('{date_short_pretty}');
  });

  it('has the shape <!date^SECONDS^FORMAT|HH:MM UTC>', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        expect(slackDate(ms)).toMatch(/^<!date\^\d+\^\{time\}\|\d\d:\d\d UTC>$/);
        expect(Number(/\^(\d+)\^/.exec(slackDate(ms))?.[1])).toBe(Math.floor(ms / 1000));
      }),
    );
  });
});

describe('phaseName and mention', () => {
  it('escapes the & in our own phase names', () => {
    expect(phaseName(0)).toBe('Requirements &amp; scope');
    expect(phaseName(1)).toBe('High-level design');
    expect(phaseName(3)).toBe('Wrap-up');
    expect(phaseName(7)).toBe('Phase 8');
  });

  it('mentions user ids and escapes anything else', () => {
    expect(mention('U123ABC')).toBe('<@U123ABC>');
    expect(mention('W123')).toBe('<@W123>');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
    expect(mention('U1> <!channel')).toBe('U1&gt; &lt;!channel');
  });
});
