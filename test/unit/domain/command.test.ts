import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASYNC_DEFAULT_PLAN, closestVerb, type Command, MAX_INTERVIEWERS, MAX_NOTE_LENGTH, MAX_TOPIC_LENGTH, parseCommand } from '../../../src/domain/command.ts';
import { DAY, MINUTE } from '../../../src/domain/duration.ts';
import { DEFAULT_PLAN } from '../../../src/domain/plan.ts';

function start(text: string): Extract<Command, { kind: 'start' }> {
  const command = parseCommand(text);
  if (command.kind !== 'start') throw new Error(`expected start, got ${JSON.stringify(command)}`);
  return command;
}

function invalid(text: string): string {
  const command = parseCommand(text);
  if (command.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(command)}`);
  return command.message;
}

describe('parseCommand: verbs', () => {
  it.each(['status', 'next', 'end', 'pause', 'resume'] as const)('reads %s', (verb) => {
    expect(parseCommand(verb)).toEqual({ kind: verb });
    expect(parseCommand(`  ${verb.toUpperCase()}  `)).toEqual({ kind: verb });
    expect(parseCommand(`${verb} with some words after`)).toEqual({ kind: verb });
  });

  it('refuses `end` with the word phase after it: end ends the whole session, and next was meant', () => {
    for (const text of ['end phase', 'END the phase', 'end this Phase now', 'end phase:2']) {
      const command = parseCommand(text);
      expect(command).toEqual({ kind: 'invalid', message: expect.stringContaining('`/mockdesign next`') });
    }
    expect(parseCommand('end session')).toEqual({ kind: 'end' });
    expect(parseCommand('end the interview now')).toEqual({ kind: 'end' });
    expect(parseCommand('end phases-of-the-moon')).toEqual({ kind: 'end' });
  });

  it('shows help for empty text, whitespace and "help"', () => {
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('   \n\t ')).toEqual({ kind: 'help' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
    expect(parseCommand('HELP me')).toEqual({ kind: 'help' });
  });

  it('shows help naming an unknown verb as typed', () => {
    expect(parseCommand('Stat')).toEqual({ kind: 'help', unknown: 'Stat', suggestion: 'status' });
    expect(parseCommand('  begin Design X ')).toEqual({ kind: 'help', unknown: 'begin' });
  });

  it('cuts a very long unknown verb to 40 characters, marking the cut', () => {
    expect(parseCommand('x'.repeat(100))).toEqual({ kind: 'help', unknown: `${'x'.repeat(39)}…` });
  });

  // Slack sends `&` as `&amp;`: a cut inside it would show the person `&am…`, which they never typed.
  it('never cuts an unknown verb inside an escaped character', () => {
    for (const at of [35, 36, 37, 38]) {
      const command = parseCommand(`${'x'.repeat(at)}&amp;${'y'.repeat(20)}`);
      const unknown = command.kind === 'help' ? (command.unknown ?? '') : '';
      expect(unknown.endsWith('…')).toBe(true);
      expect(unknown.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    }
    expect(parseCommand(`${'x'.repeat(34)}&amp;${'y'.repeat(20)}`)).toEqual({ kind: 'help', unknown: `${'x'.repeat(34)}&amp;…` });
  });

  // For the verb 'x' × 39 + '😀', cutting by UTF-16 units would leave a lone surrogate for renderHelp to send.
  it('never cuts an unknown verb in the middle of a character', () => {
    const command = parseCommand(`${'x'.repeat(39)}😀`);
    expect(command.kind).toBe('help');
    const unknown = command.kind === 'help' ? (command.unknown ?? '') : '';
    expect(unknown).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('parseCommand: live interview options', () => {
  it('reads the candidate, observers and level beside the interviewers', () => {
    expect(start('start Design a feed --candidate <@U101|sam> --interviewer <@U102> <@U103> --observer <@U104> --level Senior')).toMatchObject({
      topic: 'Design a feed',
      candidate: 'U101',
      interviewers: ['U102', 'U103'],
      observers: ['U104'],
      level: 'senior',
      random: false,
    });
  });

  it('reads --private-scores for a live interview with a candidate, and refuses it without one', () => {
    expect(start('start Design a feed --candidate <@U101> --private-scores')).toMatchObject({ topic: 'Design a feed', candidate: 'U101', privateScores: true });
    expect(start('start --private-scores Design a feed --level staff --candidate <@U101>')).toMatchObject({ topic: 'Design a feed', level: 'staff', privateScores: true });
    // A level alone is a live interview with nobody to keep the scores for.
    expect(parseCommand('start Design a feed --level staff --private-scores')).toMatchObject({ kind: 'invalid' });
    expect(start('start Design a feed --candidate <@U101>')).toMatchObject({ privateScores: false });
    // Smart punctuation's dash reads as the option too.
    expect(start('start Design a feed —private-scores --candidate <@U101>')).toMatchObject({ topic: 'Design a feed', privateScores: true });
    expect(invalid('start Design a feed --private-scores')).toBe(
      "Private scores keep a candidate's scores between them and the panel: name the candidate as well, or leave the scores out.",
    );
    expect(invalid('start Design a feed --candidate <@U101> --private-scores=yes')).toBe('`--private-scores` takes no value.');
  });

  it('takes --random instead of a topic, not both', () => {
    expect(start('start --random --level staff')).toMatchObject({ topic: '', random: true, level: 'staff' });
    expect(invalid('start Design X --random')).toBe('Give a topic or `--random`, not both.');
  });

  it('refuses a second candidate, a candidate on the panel, someone in two roles, and an unknown level', () => {
    expect(invalid('start X --candidate <@U101> <@U102>')).toBe('A session has one candidate.');
    expect(invalid('start X --candidate <@U101> --interviewer <@U101>')).toContain('cannot also be an interviewer');
    // Named, as a mention: in a long list of people, who is meant is not left to be searched for.
    expect(invalid('start X --interviewer <@U102> --observer <@U102>')).toBe('<@U102> is named both interviewer and observer: pick one.');
    expect(invalid('start Design Z --candidate <@U101|bob> --observer <@U103|carol> --interviewer <@U103|carol>')).toBe(
      '<@U103> is named both interviewer and observer: pick one.',
    );
    expect(invalid('start X --level principal')).toContain('--level');
    expect(invalid('start X --level')).toContain('--level mid');
    expect(invalid('start X --candidate sam')).toBe('`sam` after `--candidate` is not a person: mention them, e.g. `--candidate @alex`.');
  });
});

describe('parseCommand: schedule', () => {
  it('reads a quoted schedule (straight or curly quotes, or none) and its options', () => {
    expect(parseCommand('schedule "every tue 18:00" --tz Europe/Berlin')).toEqual({ kind: 'schedule', recurrence: 'every tue 18:00', tz: 'Europe/Berlin', plan: undefined, isAsync: false });
    expect(parseCommand('schedule “every mon 9:00” --async')).toMatchObject({ recurrence: 'every mon 9:00', isAsync: true });
    expect(parseCommand('schedule every weekday 9:30 --plan 10/20/20/10')).toMatchObject({ recurrence: 'every weekday 9:30', plan: [10, 20, 20, 10].map((m) => m * 60_000) });
    expect(parseCommand('schedule "0 18 * * 2" --tz=UTC')).toMatchObject({ recurrence: '0 18 * * 2', tz: 'UTC' });
  });

  it('says what is wrong with the options', () => {
    expect(invalid('schedule')).toContain('Say when');
    // Options with no when before them: the when is missing, not unreadable.
    expect(invalid('schedule --tz Europe/Paris')).toContain('Say when');
    expect(invalid('schedule --async --plan 1d/2d/2d/1d')).toContain('Say when');
    expect(invalid('schedule "every tue 18:00" --tz')).toContain('Give `--tz` a zone');
    expect(invalid('schedule "every tue 18:00" --weekly')).toContain('`--weekly`');
    expect(invalid('schedule "every tue 18:00" tomorrow')).toContain('put the schedule in quotes');
    expect(parseCommand('schedules')).toEqual({ kind: 'schedules' });
    expect(parseCommand('unschedule Ab3dE9fG')).toEqual({ kind: 'unschedule', id: 'Ab3dE9fG' });
    // Pasted as `schedules` shows it, in backticks.
    expect(parseCommand('unschedule `Ab3dE9fG`')).toEqual({ kind: 'unschedule', id: 'Ab3dE9fG' });
    // The plus alone, the duration after a space.
    expect(parseCommand('+ 5 min')).toEqual(parseCommand('+5 min'));
    expect(parseCommand('+ 5 min')).toMatchObject({ kind: 'extend' });
    expect(invalid('unschedule')).toContain('Give the id');
  });
});

describe('parseCommand: host, extend and note options', () => {
  it('hands over to a mentioned person only', () => {
    expect(parseCommand('host <@U109|kim>')).toEqual({ kind: 'host', userId: 'U109' });
    expect(invalid('host kim')).toContain('mention');
    expect(invalid('host <@U101> <@U102>')).toContain('mention');
  });

  it('extends by a duration, five minutes by default, within a week', () => {
    expect(parseCommand('extend 10m')).toEqual({ kind: 'extend', ms: 10 * 60_000 });
    expect(parseCommand('extend +2h')).toEqual({ kind: 'extend', ms: 2 * 3600_000 });
    expect(parseCommand('extend')).toEqual({ kind: 'extend', ms: 5 * 60_000 });
    expect(parseCommand('+5')).toEqual({ kind: 'extend', ms: 5 * 60_000 });
    // `+5` is `extend 5`, so any duration after the plus reads the same way, and words after it are not dropped.
    expect(parseCommand('+10')).toEqual({ kind: 'extend', ms: 10 * 60_000 });
    expect(parseCommand('+1h')).toEqual({ kind: 'extend', ms: 3600_000 });
    expect(invalid('+5 please')).toContain('`5 please` is not a duration');
    expect(invalid('+8d')).toContain('at most 7 days');
    expect(invalid('extend soon')).toContain('`soon` is not a duration');
    expect(invalid('extend 8d')).toContain('at most 7 days');
  });

  // The +5 min button says "5 min": typed as it reads, it is taken, with any unit written out, in any case.
  it.each([
    ['+5 min', 5 * 60_000],
    ['extend 5 min', 5 * 60_000],
    ['extend 10 mins', 10 * 60_000],
    ['extend 1 hour', 3600_000],
    ['extend 2 hours', 2 * 3600_000],
    ['extend 1 day', 86_400_000],
    ['extend 90 seconds', 90_000],
    ['+1 h', 3600_000],
    ['EXTEND 2 Hours', 2 * 3600_000],
    ['+10 MINS', 10 * 60_000],
  ])('extends by %j', (text, ms) => {
    expect(parseCommand(text)).toEqual({ kind: 'extend', ms });
  });

  it('refuses an extension of nothing with what to give instead, and keeps refusing what it refused', () => {
    for (const text of ['extend 0', '+0', 'extend 0 min', '+0.0s']) expect(invalid(text)).toBe('Give a duration longer than zero, such as `5m`.');
    expect(invalid('extend 1.5 seconds')).toContain('`1.5 seconds` is not a whole number of seconds');
    expect(invalid('+5 minutes please')).toContain('`5 minutes please` is not a duration');
    expect(invalid('extend 8 days')).toContain('at most 7 days');
  });

  it('reads --kind before the note text, with friendly aliases', () => {
    expect(parseCommand('note --kind tradeoff SQL vs NoSQL for the feed')).toEqual({ kind: 'note', text: 'SQL vs NoSQL for the feed', noteKind: 'trade_off' });
    expect(parseCommand('note --kind=api POST /urls')).toEqual({ kind: 'note', text: 'POST /urls', noteKind: 'api' });
    expect(parseCommand('note plain text --kind api')).toEqual({ kind: 'note', text: 'plain text --kind api', noteKind: undefined });
    expect(invalid('note --kind vibes it works')).toContain('`vibes` is not a kind of note');
    expect(invalid('note --kind api')).toContain('needs some text');
    for (const text of ['note --kind', 'note --kind   ']) {
      expect(invalid(text)).toBe(
        'Give `--kind` a value, e.g. `--kind tradeoff`. Kinds: `requirement`, `api`, `component`, `datamodel`, `tradeoff`, `question`, `feedback`.',
      );
    }
  });
});

describe('parseCommand: start', () => {
  it('reads a topic with the default plan and no interviewers', () => {
    expect(parseCommand('start Design a URL shortener')).toEqual({
      kind: 'start',
      topic: 'Design a URL shortener',
      plan: DEFAULT_PLAN,
      interviewers: [],
      candidate: undefined,
      observers: [],
      level: undefined,
      random: false,
      isAsync: false,
      privateScores: false,
    });
  });

  it('reads an option whose `--` smart punctuation turned into a dash, and leaves other dashes in the topic', () => {
    expect(parseCommand('start Design a cache —plan 5m/20m/15m/5m –level staff')).toMatchObject({
      kind: 'start',
      topic: 'Design a cache',
      plan: [5 * 60_000, 20 * 60_000, 15 * 60_000, 5 * 60_000],
      level: 'staff',
    });
    expect(parseCommand('start Design a cache — the hard way —planet')).toMatchObject({ kind: 'start', topic: 'Design a cache — the hard way —planet' });
    expect(parseCommand('note —kind tradeoff Cache aside over write-through')).toEqual({ kind: 'note', noteKind: 'trade_off', text: 'Cache aside over write-through' });
    expect(parseCommand('schedule "every tue 18:00" —tz Europe/Berlin —async')).toMatchObject({ kind: 'schedule', tz: 'Europe/Berlin', isAsync: true });
  });

  it('reads --async: a study group over days, on the one-week plan unless --plan says otherwise', () => {
    expect(start('start Design a chat app --async')).toMatchObject({ topic: 'Design a chat app', isAsync: true, plan: ASYNC_DEFAULT_PLAN });
    expect(start('start --async Design a chat app --plan 1d/3d/2d/1d')).toMatchObject({ topic: 'Design a chat app', isAsync: true, plan: [DAY, 3 * DAY, 2 * DAY, DAY] });
    expect(start('start --plan 2d/2d/2d/1d --async Design a chat app')).toMatchObject({ isAsync: true, plan: [2 * DAY, 2 * DAY, 2 * DAY, DAY] });
    expect(start('start Design a chat app')).toMatchObject({ isAsync: false, plan: DEFAULT_PLAN });
    expect(parseCommand('start Design a chat app --async=yes')).toMatchObject({ kind: 'invalid' });
  });

  it('is case-insensitive for the verb and the options', () => {
    const command = start('START Design X --PLAN 10/25/20/5');
    expect(command.topic).toBe('Design X');
    expect(command.plan).toEqual([10, 25, 20, 5].map((m) => m * MINUTE));
  });

  it('collapses runs of whitespace (including line breaks) in the topic to single spaces', () => {
    expect(start('start   Design\n\na   chat\tapp ').topic).toBe('Design a chat app');
  });

  it.each([
    ['start Design a chat app --plan 10/25/20/5', 'Design a chat app'],
    ['start --plan 10/25/20/5 Design a chat app', 'Design a chat app'],
    ['start Design --plan 10/25/20/5 a chat app', 'Design a chat app'],
    ['start Design a chat app --plan=10/25/20/5', 'Design a chat app'],
    ['start --plan=10/25/20/5 Design a chat app', 'Design a chat app'],
  ])('reads the plan anywhere in %j', (text, topic) => {
    const command = start(text);
    expect(command.topic).toBe(topic);
    expect(command.plan).toEqual([10, 25, 20, 5].map((m) => m * MINUTE));
  });

  it('reads a plan in days', () => {
    expect(start('start Design Dropbox --plan 1d/3d/2d/1d').plan).toEqual([DAY, 3 * DAY, 2 * DAY, DAY]);
  });

  // Taking either one silently could start a 4-minute session where an hour was meant.
  it('refuses an option with one value given twice, asking to keep one', () => {
    expect(invalid('start X --plan 10/25/20/5 --plan 1/1/1/1')).toBe('`--plan` is given more than once: keep one.');
    expect(invalid('start X --plan=1/1/1/1 --PLAN 1/1/1/1')).toBe('`--plan` is given more than once: keep one.');
    expect(invalid('start X --level mid --level staff')).toBe('`--level` is given more than once: keep one.');
    expect(invalid('schedule "every tue 18:00" --tz Europe/Berlin --tz UTC')).toBe('`--tz` is given more than once: keep one.');
    expect(invalid('schedule "every tue 18:00" --plan 5/20/15/5 --plan 1d/1d/1d/1d')).toBe('`--plan` is given more than once: keep one.');
    expect(invalid('note --kind tradeoff --kind question Shard by user')).toBe('`--kind` is given more than once: keep one.');
    // Options that add people, or take no value, may still be repeated.
    expect(start('start X --interviewer <@U101> --interviewer <@U102> --async --async')).toMatchObject({ interviewers: ['U101', 'U102'], isAsync: true });
  });

  it('passes a bad plan on as an invalid command with the plan error and the example', () => {
    const message = invalid('start Design X --plan 5x/abc');
    expect(message).toContain('A plan has 4 phases');
    expect(message).toContain('`--plan 5/20/15/5`');
    expect(invalid('start X --plan 5/0/15/5')).toContain('`0` is not longer than zero');
    expect(invalid('start X --plan -5/20/15/5')).toContain('`-5` is not a duration');
    expect(invalid('start X --plan 10d/10d/10d/1d')).toContain('at most 30 days');
  });

  // Spaces split the command into words, and a plan typed with them arrives in pieces: it is read whole.
  it('reads a plan typed with spaces whole, and leaves the topic after it alone', () => {
    expect(start('start Design X --plan 5 min/20 min/15 min/5 min')).toMatchObject({ topic: 'Design X', plan: [5, 20, 15, 5].map((m) => m * 60_000) });
    expect(start('start --plan 5 min/20 min/15 min/5 min Design X')).toMatchObject({ topic: 'Design X', plan: [5, 20, 15, 5].map((m) => m * 60_000) });
    expect(start('start --plan 5/20/15/5 100 million users')).toMatchObject({ topic: '100 million users', plan: [5, 20, 15, 5].map((m) => m * 60_000) });
    expect(invalid('start Design X --plan 30s 30s 30s')).toBe('Separate the 4 phases with `/`, e.g. `--plan 30s/30s/30s/30s`.');
    expect(invalid('start Design X --plan 5, 20, 15, 5 --level mid')).toBe('Separate the 4 phases with `/`, e.g. `--plan 5m/20m/15m/5m`.');
    expect(invalid('start Design X --plan=30s 30s 30s 30s')).toBe('Separate the 4 phases with `/`, e.g. `--plan 30s/30s/30s/30s`.');
    expect(invalid('schedule "every tue 18:00" --plan 1d 1d 1d 1d')).toBe('Separate the 4 phases with `/`, e.g. `--plan 1d/1d/1d/1d`.');
    expect(parseCommand('schedule "every tue 18:00" --plan 1 day/2 days/2 days/1 day --async')).toMatchObject({ plan: [1, 2, 2, 1].map((d) => d * 86_400_000), isAsync: true });
    // A genuinely wrong count keeps saying so.
    expect(invalid('start Design X --plan 1m/1m/1m')).toContain('`1m/1m/1m` has 3');
  });

  it('asks for a value when --plan has none', () => {
    for (const text of ['start Design X --plan', 'start Design X --plan=']) {
      expect(invalid(text)).toBe('Give `--plan` a value, e.g. `--plan 5/20/15/5`.');
    }
  });

  it('reads interviewers as mentions, with or without a name, and drops duplicates', () => {
    const command = start('start Design a feed --interviewer <@U123|alex> <@U456> <@U123>');
    expect(command.interviewers).toEqual(['U123', 'U456']);
    expect(command.topic).toBe('Design a feed');
  });

  it('reads the topic after the interviewer mentions', () => {
    const command = start('start --interviewers <@U123> <@W456|sam> Design a feed');
    expect(command.interviewers).toEqual(['U123', 'W456']);
    expect(command.topic).toBe('Design a feed');
  });

  it('reads mentions listed with commas, as people write lists, and keeps commas in the topic', () => {
    expect(start('start Design a feed --interviewer <@U123|alex>, <@U456|sam>').interviewers).toEqual(['U123', 'U456']);
    const joined = start('start --interviewer <@U123>,<@U456>, --observer <@U789|kim>, Design a feed, fast');
    expect(joined).toMatchObject({ interviewers: ['U123', 'U456'], observers: ['U789'], topic: 'Design a feed, fast' });
    expect(start('start --interviewer=<@U123>,<@U456> X').interviewers).toEqual(['U123', 'U456']);
    // Outside a list of people, a mention and its comma are the topic's words as typed.
    expect(start('start Chat for <@U123|alex>, <@U456|sam> --plan 5/5/5/5').topic).toBe('Chat for <@U123|alex>, <@U456|sam>');
    expect(invalid('start X --candidate <@U123>, <@U456>')).toBe('A session has one candidate.');
  });

  it('accepts --with and --interviewer=<@U…>', () => {
    expect(start('start X --with <@U123>').interviewers).toEqual(['U123']);
    expect(start('start X --interviewer=<@U123|alex>').interviewers).toEqual(['U123']);
  });

  it('combines plan and interviewers', () => {
    const command = start('start Design Dropbox --plan 1d/3d/2d/1d --interviewer <@U123> --with <@U456>');
    expect(command).toMatchObject({ kind: 'start', topic: 'Design Dropbox', plan: [DAY, 3 * DAY, 2 * DAY, DAY], interviewers: ['U123', 'U456'] });
  });

  it('refuses an interviewer that is not a mention', () => {
    // A word after the flag that is not a mention is a mistake, never part of the topic.
    expect(invalid('start X --interviewer alex')).toBe('`alex` after `--interviewer` is not a person: mention them, e.g. `--interviewer @alex`.');
    expect(invalid('start X --interviewer')).toBe('Name interviewers with mentions, e.g. `--interviewer @alex`.');
    expect(invalid('start X --interviewer=')).toBe('Name interviewers with mentions, e.g. `--interviewer @alex`.');
    expect(invalid('start X --interviewer=alex')).toBe('`alex` is not a person: mention them, e.g. `--interviewer @alex`.');
    expect(invalid('start X --interviewer=<#C123|general>')).toContain('is not a person');
    expect(invalid('start X --interviewer=<!channel>')).toContain('is not a person');
  });

  it('refuses an @name Slack could not resolve after the mentions, instead of taking it into the topic', () => {
    // Slack sends a name it cannot match to a person as plain text: `@bobby`, not `<@U…>`.
    expect(invalid('start Design X --interviewer <@U123> @bobby')).toBe(
      "`@bobby` after `--interviewer` is not a person Slack knows: pick them from Slack's list as you type, e.g. `--interviewer @alex`.",
    );
    expect(invalid('start --interviewer <@U123> @bobby Design X')).toContain('`@bobby` after `--interviewer`');
    expect(invalid('start Design X --candidate <@U101> @sam')).toContain('`@sam` after `--candidate`');
    expect(invalid('start Design X --observer <@U104> @olga')).toContain('`@olga` after `--observer`');
    // Right after the flag too: the person did type a mention, Slack did not know it.
    expect(invalid('start Design X --interviewer @zed')).toBe(
      "`@zed` after `--interviewer` is not a person Slack knows: pick them from Slack's list as you type, e.g. `--interviewer @alex`.",
    );
    expect(invalid('start Design X --candidate=@zed')).toContain("`@zed` after `--candidate` is not a person Slack knows");
    // Words after the mentions are still the topic.
    expect(start('start --interviewer <@U123> Design X for @home users')).toMatchObject({ interviewers: ['U123'], topic: 'Design X for @home users' });
  });

  it(`refuses more than ${MAX_INTERVIEWERS} interviewers`, () => {
    const ten = Array.from({ length: 10 }, (_, i) => `<@U10${i}>`).join(' ');
    expect(start(`start X --interviewer ${ten}`).interviewers).toHaveLength(10);
    const eleven = Array.from({ length: 11 }, (_, i) => `<@U10${i}>`).join(' ');
    expect(invalid(`start X --interviewer ${eleven}`)).toBe(`At most ${MAX_INTERVIEWERS} interviewers per session.`);
  });

  it('refuses an option it does not know, naming it', () => {
    expect(invalid('start X --length 45')).toBe(
      "I don't know the option `--length`. Options are `--plan`, `--async`, `--candidate`, `--interviewer`, `--observer`, `--level`, `--private-scores` and `--random`.",
    );
    expect(invalid('start X --Foo=bar')).toContain('`--Foo`');
    expect(invalid('start X --')).toContain('`--`');
  });

  it('asks for a topic when there is none (start alone is the start form)', () => {
    const message = 'Give the session a topic, e.g. `/mockdesign start Design a URL shortener`, or `--random` for one from the prompt bank.';
    expect(parseCommand('start').kind).toBe('start_form');
    expect(parseCommand('start   ').kind).toBe('start_form');
    expect(invalid('start --plan 1/2/3/4')).toBe(message);
    expect(invalid('start --interviewer <@U123>')).toBe(message);
  });

  it('takes a topic of only invisible characters (zero-width spaces, direction marks) for no topic', () => {
    const message = 'Give the session a topic, e.g. `/mockdesign start Design a URL shortener`, or `--random` for one from the prompt bank.';
    expect(invalid('start \u200b')).toBe(message);
    expect(invalid('start \u200b\u2060 \u200e\ufeff --plan 5/5/5/5')).toBe(message);
    expect(start('start --random \u200b')).toMatchObject({ random: true, topic: '' });
    // Visible text beside them is a topic, kept as typed.
    expect(start('start \u200bX').topic).toBe('\u200bX');
  });

  it(`accepts a topic of ${MAX_TOPIC_LENGTH} characters and refuses one longer`, () => {
    expect(start(`start ${'a'.repeat(MAX_TOPIC_LENGTH)}`).topic).toHaveLength(MAX_TOPIC_LENGTH);
    expect(invalid(`start ${'a'.repeat(MAX_TOPIC_LENGTH + 1)}`)).toBe(
      `A topic can be at most ${MAX_TOPIC_LENGTH} characters; this one has ${MAX_TOPIC_LENGTH + 1}.`,
    );
    // the length counted is the joined topic, words and single spaces
    expect(invalid(`start ${'a'.repeat(100)} ${'b'.repeat(100)}`)).toContain('this one has 201');
  });
});

describe('parseCommand: note', () => {
  it('keeps the text as typed, line breaks and inner spacing included', () => {
    expect(parseCommand('note Reads outnumber writes 100:1')).toEqual({ kind: 'note', text: 'Reads outnumber writes 100:1' });
    expect(parseCommand('NOTE  first line\n  second   line\n\nthird ')).toEqual({
      kind: 'note',
      text: 'first line\n  second   line\n\nthird',
    });
    expect(parseCommand('note\nstarts on the next line')).toEqual({ kind: 'note', text: 'starts on the next line' });
  });

  it('refuses a note without text', () => {
    for (const text of ['note', 'note   ', 'note \n\t ', 'note \u200b', 'note --kind api \u200b\u200d\u202e\u00ad']) {
      expect(invalid(text)).toBe('A note needs some text, e.g. `/mockdesign note Reads outnumber writes 100:1`.');
    }
  });

  it(`accepts ${MAX_NOTE_LENGTH} characters and refuses more`, () => {
    const longest = 'n'.repeat(MAX_NOTE_LENGTH);
    expect(parseCommand(`note ${longest}`)).toEqual({ kind: 'note', text: longest });
    expect(invalid(`note ${longest}x`)).toBe(`A note can be at most ${MAX_NOTE_LENGTH} characters; this one has ${MAX_NOTE_LENGTH + 1}.`);
  });
});

describe('parseCommand: free text measured as typed', () => {
  // Slack sends `&` as `&amp;`: the listener passes a length that counts the plain text.
  const typed = (text: string) => text.replace(/&amp;/g, '&').length;

  it('measures a note and a topic with the length it is given, and says that count when refusing', () => {
    const note = 'a&amp;'.repeat(50) + 'b'.repeat(MAX_NOTE_LENGTH - 100);
    expect(parseCommand(`note ${note}`, typed)).toMatchObject({ kind: 'note', text: note });
    expect(parseCommand(`note ${note}bb`, typed)).toEqual({
      kind: 'invalid',
      message: `A note can be at most ${MAX_NOTE_LENGTH} characters; this one has ${MAX_NOTE_LENGTH + 2}.`,
    });
    const topic = `${'R&amp;D'.repeat(66)}xx`;
    expect(parseCommand(`start ${topic}`, typed)).toMatchObject({ kind: 'start', topic });
    expect(parseCommand(`start ${topic}&amp;`, typed)).toEqual({
      kind: 'invalid',
      message: `A topic can be at most ${MAX_TOPIC_LENGTH} characters; this one has ${MAX_TOPIC_LENGTH + 1}.`,
    });
  });
});

describe('parseCommand: any input', () => {
  const KINDS = ['start', 'start_form', 'status', 'notes', 'next', 'end', 'pause', 'resume', 'note', 'help', 'invalid', 'host', 'extend', 'schedule', 'schedules', 'unschedule'];
  const fragment = fc.oneof(
    fc.constantFrom(
      'start', 'START', 'note', 'status', 'next', 'end', 'pause', 'resume', 'help',
      '--plan', '--plan=', '--PLAN', '--interviewer', '--interviewer=', '--with', '--', '-', '=',
      '5/20/15/5', '1d/3d/2d/1d', '0/0/0/0', '-5/1/1/1', '30d/1s/1s/1s', '7.5d/7.5d/7.5d/7.5d', '999999d/1/1/1', '/', '//',
      '<!channel>', '<!here>', '<@U123>', '<@U123|alex>', '<@W9ZZ>', '<#C1|general>', '<https://evil.example|click>', '&amp;', '&lt;',
      ' ', '  ', '\n', '\t', '\u00a0', '\u2028', '😀', '\uD83D', 'é', 'ｓｔａｒｔ',
    ),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
  );
  const text = fc.oneof(
    fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(' ')),
    fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join('')),
    fc.tuple(fc.constantFrom('start ', 'note ', 'start x --plan ', 'start x --interviewer '), fc.array(fragment, { maxLength: 10 })).map(
      ([head, parts]) => head + parts.join(' '),
    ),
    fc.string({ unit: 'binary', maxLength: 300 }),
  );

  it('never throws and always returns one of the documented kinds', () => {
    fc.assert(
      fc.property(text, (input) => {
        const command = parseCommand(input);
        expect(KINDS).toContain(command.kind);
        switch (command.kind) {
          case 'start':
            expect(command.plan).toHaveLength(4);
            for (const ms of command.plan) {
              expect(Number.isFinite(ms)).toBe(true);
              expect(ms).toBeGreaterThan(0);
            }
            expect(command.plan.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30 * DAY);
            expect(command.topic.length).toBeGreaterThanOrEqual(1);
            expect(command.topic.length).toBeLessThanOrEqual(MAX_TOPIC_LENGTH);
            expect(command.topic).toBe(command.topic.trim());
            expect(command.interviewers.length).toBeLessThanOrEqual(MAX_INTERVIEWERS);
            expect(new Set(command.interviewers).size).toBe(command.interviewers.length);
            for (const id of command.interviewers) expect(id).toMatch(/^[UW][A-Z0-9]{2,}$/);
            break;
          case 'note':
            expect(command.text.length).toBeGreaterThanOrEqual(1);
            expect(command.text.length).toBeLessThanOrEqual(MAX_NOTE_LENGTH);
            expect(command.text).toBe(command.text.trim());
            break;
          case 'invalid':
            expect(command.message.length).toBeGreaterThan(0);
            break;
          case 'help':
            if (command.unknown !== undefined) {
              expect(command.unknown.length).toBeGreaterThan(0);
              expect(command.unknown.length).toBeLessThanOrEqual(40);
            }
            break;
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('closestVerb: a mistyped command', () => {
  it.each([
    ['shedule', 'schedule'],
    ['schedul', 'schedule'],
    ['sched', 'schedule'],
    ['statu', 'status'],
    ['staus', 'status'],
    ['nxet', 'next'],
    ['exnted', 'extend'],
    ['histroy', 'history'],
    ['resme', 'resume'],
    ['unshedule', 'unschedule'],
    ['ntoes', 'notes'],
  ])('reads %j as %j', (typed, meant) => {
    expect(closestVerb(typed)).toBe(meant);
    expect(parseCommand(`${typed} something`)).toMatchObject({ kind: 'help', suggestion: meant });
  });

  it.each(['dance', 'begin', 'xyz', 'go', 'launch'])('suggests nothing for %j, which is like no command', (typed) => {
    expect(closestVerb(typed)).toBeUndefined();
    expect(parseCommand(typed)).not.toHaveProperty('suggestion');
  });
});
