/** `/mockdesign` through the real Bolt router: answers, what is stored, what is posted. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allText, CHANNEL, createHarness, GUEST, type Harness, HOST, TEAM } from '../support/harness.ts';
import { until } from '../support/until.ts';
import { EXTEND_REPEAT_WINDOW_MS, REPEAT_WINDOW_MS } from '../../src/app/sessions.ts';
import { currentPhaseIndex } from '../../src/domain/timeline.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const sessionCount = () => Number(h.db.prepare('SELECT count(*) FROM sessions').pluck().get());
const noteCount = () => Number(h.db.prepare('SELECT count(*) FROM notes').pluck().get());
type Ack = { response_type: string; text: string; blocks: unknown[] };
const MIN = 60_000;

describe('/mockdesign start', () => {
  it('posts the root message in the channel and phase 1 in its thread at once', async () => {
    const ack = (await h.command('start Design a URL shortener')) as Ack;
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('Design a URL shortener');

    const root = h.root();
    expect(root).toBeDefined();
    const rootText = allText(root ?? {});
    expect(rootText).toContain('Design a URL shortener');
    expect(rootText).toContain('Host <@U0ALICE>');
    for (const name of ['Requirements &amp; scope', 'High-level design', 'Deep dive', 'Wrap-up']) expect(rootText).toContain(name);
    // Start times go through Slack's date formatting so each reader sees their own zone.
    expect(rootText).toMatch(/<!date\^\d+\^\{time\}\|\d\d:\d\d UTC>/);
    const actions = (root?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { action_id: string }[] };
    const buttons = actions.elements.map((e) => e.action_id);
    expect(buttons).toEqual(['mockdesign_add_note', 'mockdesign_pause', 'mockdesign_next_phase', 'mockdesign_extend', 'mockdesign_end_session']);
    // A group session is not scored: no Score row (a live interview has one, see scorecard.test.ts).
    expect((root?.blocks ?? []).filter((b) => (b as { type: string }).type === 'actions')).toHaveLength(1);

    const thread = h.thread();
    expect(thread).toHaveLength(1);
    const phase1 = allText(thread[0] ?? {});
    expect(phase1).toContain('Phase 1 of 4');
    expect(phase1).toContain('Why are we building this');
    expect(phase1).toContain('rough scale estimate');
    expect(thread[0]?.metadata).toMatchObject({ event_type: 'mockdesign_step' });
  });

  it('tells the host when the session could not be written, and logs the failure once with where it happened', async () => {
    // The database refuses the write, as a full disk would: a real failure of the real statement.
    h.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    await h.command('start Design a URL shortener');
    await until('the host is told', () => h.slack.ephemerals().some((e) => e.source === 'response_url'));
    expect(h.slack.ephemerals().filter((e) => e.source === 'response_url').map((e) => e.text)).toEqual([
      'Something went wrong and the session was not started. Please try again in a moment.',
    ]);
    expect(sessionCount()).toBe(0);
    expect(h.root()).toBeUndefined();
    const failed = h.logs.filter((l) => l.level === 'error');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ msg: 'listener failed', payload: 'slash_command', command: '/mockdesign', team: TEAM, channel: CHANNEL, user: HOST, error: 'database or disk is full' });
    // Ids and names only: neither the response URL nor the person's words reach the log.
    expect(JSON.stringify(failed[0])).not.toMatch(/response|URL shortener/);
  });

  it('accepts a plan with units and shows it', async () => {
    await h.command('start Design Dropbox --plan 1d/3d/2d/1d');
    const session = (await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL));
    expect(session?.phases.map((p) => p.plannedMs)).toEqual([1, 3, 2, 1].map((d) => d * 86_400_000));
    expect(allText(h.root() ?? {})).toContain('3 days');
  });

  it('answers a second start in the same channel with a link to the running session', async () => {
    await h.command('start Design a URL shortener');
    const ack = (await h.command('start Design Twitter', { user: GUEST })) as Ack;
    expect(ack.text).toContain('already running');
    expect(ack.text).toContain(`${h.slack.url}/archives/${CHANNEL}/p`);
    expect(sessionCount()).toBe(1);
    expect(h.slack.messages(CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
  });

  it('runs separate sessions in separate channels and separate workspaces', async () => {
    await h.command('start One');
    await h.command('start Two', { channel: 'C0PREP' });
    // Same channel id in another workspace is another channel.
    const other = (await h.command('start Three', { team: 'T0OTHER' })) as Ack;
    expect(other.text).toContain('Starting');
    expect(sessionCount()).toBe(3);
  });

  it('never lets a topic ping the channel or inject a mention or link', async () => {
    await h.command('start <!channel> <!here> <@U0BOB|bob> <#C0PREP|prep> <https://evil.example|click> & co');
    const posted = h.slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update');
    expect(posted.length).toBeGreaterThan(0);
    for (const call of posted) {
      const text = allText(call.params as { text?: string; blocks?: unknown[] });
      expect(text).not.toMatch(/<!channel>|<!here>|<@U0BOB|<#C0PREP|<https:\/\/evil/);
    }
    expect(allText(h.root() ?? {})).toContain('@channel @here @bob #prep click (https://evil.example) &amp; co');
  });

  it.each([
    ['start Design X --plan 5x/abc', 'A plan has 4 phases'],
    ['start Design X --plan 5x/20/15/5', '`5x` is not a duration'],
    ['start Design X --plan 5/20/15', 'has 3'],
    ['start Design X --plan 0/20/15/5', 'not longer than zero'],
    ['start Design X --plan -5/20/15/5', 'not a duration'],
    ['start Design X --plan 10d/10d/10d/1d', 'at most 30 days'],
    ['start --plan 5/5/5/5', 'Give the session a topic'],
    ['start Design X --colour blue', "don't know the option"],
  ])('refuses %s with a message and an example, storing nothing', async (text, message) => {
    const ack = (await h.command(text)) as Ack;
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain(message);
    if (text.includes('--plan') && !text.startsWith('start --plan')) expect(ack.text).toContain('--plan 5/20/15/5');
    expect(sessionCount()).toBe(0);
    expect(h.slack.calls).toHaveLength(0);
  });

  it('quotes a user group or channel named where a person belongs as the person saw it, not as Slack encodes it', async () => {
    const group = (await h.command('start Design X --interviewer <!subteam^S0ENG|@eng-team>')) as Ack;
    expect(group.response_type).toBe('ephemeral');
    expect(group.text).toBe('`@eng-team` after `--interviewer` is not a person: mention them, e.g. `--interviewer @alex`.');
    const channel = (await h.command('start Design X --candidate <#C0PREP|prep>')) as Ack;
    expect(channel.text).toBe('`#prep` after `--candidate` is not a person: mention them, e.g. `--candidate @alex`.');
    // Still nothing that pings: a quoted <!channel> is shown as words.
    const ping = (await h.command('start Design X --observer <!channel>')) as Ack;
    expect(ping.text).toContain('`@channel` after `--observer`');
    expect(sessionCount()).toBe(0);
  });

  it('refuses a topic or a note of only invisible characters, privately, and stores nothing', async () => {
    const refused = (await h.command('start \u200b\u200b --plan 5/5/5/5')) as Ack;
    expect(refused.response_type).toBe('ephemeral');
    expect(refused.text).toContain('Give the session a topic');
    expect(sessionCount()).toBe(0);
    expect(h.root()).toBeUndefined();

    await h.command('start Design a URL shortener');
    const note = (await h.command('note \u200b\u2060')) as Ack;
    expect(note.response_type).toBe('ephemeral');
    expect(note.text).toContain('A note needs some text');
    expect(noteCount()).toBe(0);
  });
});

describe('/mockdesign +<duration>', () => {
  it('gives the phase under way that much more time, and refuses words after it privately, changing nothing', async () => {
    await h.command('start Design a URL shortener');
    const phase1End = () => Number(h.db.prepare('SELECT planned_ms FROM session_phases WHERE idx = 0').pluck().get());
    const before = phase1End();
    const refused = (await h.command('+5 more please')) as Ack;
    expect(refused.response_type).toBe('ephemeral');
    expect(refused.text).toContain('is not a duration');
    expect(phase1End()).toBe(before);
    const ack = (await h.command('+10')) as Ack;
    // What was added, and the phase's new end, in each reader's own time.
    expect(ack.text).toContain('*Requirements &amp; scope* has 10 min more: it now ends at');
    expect(ack.text).toContain(`<!date^${Math.floor((h.clock.now() + 15 * 60_000) / 1000)}^{time}`);
    expect(phase1End()).toBe(before + 10 * 60_000);
  });
});

describe('extend, pause and resume in the thread', () => {
  const phase1End = async () => {
    const session = await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL);
    return session?.phases[1]?.startsAt ?? 0;
  };
  /** A time as Slack renders it for each reader: its token starts with the epoch second. */
  const at = (ms: number) => `<!date^${Math.floor(ms / 1000)}^{time}`;

  it('takes the same extension typed twice together as one, and lets a different one, or a later one, through', async () => {
    await h.command('start Design a URL shortener --plan 1m/1m/1m/1m');
    const start = h.clock.now();
    expect(((await h.command('+1')) as Ack).text).toContain('has 1 min more');
    const repeat = (await h.command('+1')) as Ack;
    expect(repeat.text).toContain('You added 1 min to *Requirements &amp; scope* a moment ago, so this was taken as the same request and added nothing');
    expect(repeat.text).toContain(at(start + 2 * MIN));
    expect(await phase1End()).toBe(start + 2 * MIN);
    // Another amount is deliberate; so is the same one once the repeat window has passed.
    expect(((await h.command('extend 2m')) as Ack).text).toContain('has 2 min more');
    expect(await phase1End()).toBe(start + 4 * MIN);
    await h.advance(EXTEND_REPEAT_WINDOW_MS, 1_000);
    expect(((await h.command('+1')) as Ack).text).toContain('has 1 min more');
    expect(await phase1End()).toBe(start + 5 * MIN);
    expect(h.thread().filter((m) => m.text.includes('added 1 min'))).toHaveLength(2);
  });

  it('says each change to the clock in the thread once, with who made it and the new deadline, even while paused', async () => {
    await h.command('start Design a URL shortener --plan 1m/1m/1m/1m --interviewer <@U0CAROL|carol>');
    const start = h.clock.now();
    await h.command('extend 5m', { user: 'U0CAROL' });
    await h.advance(10_000, 5_000);
    expect(((await h.command('pause')) as Ack).text).toContain('Paused, with 5 min 50 s left in *Requirements &amp; scope*');
    await h.advance(MIN, 10_000);
    const resumed = (await h.command('resume')) as Ack;
    expect(resumed.text).toContain('Resumed: the schedule moved by 1 min');
    expect(resumed.text).toContain(at(start + 7 * MIN));
    expect(h.thread().map((m) => allText(m))).toEqual([
      expect.stringContaining('Phase 1 of 4'),
      expect.stringContaining(`⏱️ <@U0CAROL> added 5 min: *Requirements &amp; scope* now ends at ${at(start + 6 * MIN)}`),
      expect.stringContaining('⏸️ Paused by <@U0ALICE>, with 5 min 50 s left in *Requirements &amp; scope*'),
      expect.stringContaining(`▶️ Resumed by <@U0ALICE>: the schedule moved by 1 min, and *Requirements &amp; scope* now ends at ${at(start + 7 * MIN)}`),
    ]);
    // Said once each; the session's own posts go on as the changes set them: phase 2 begins at the new deadline.
    await h.advance(6 * MIN, 10_000);
    expect(h.thread().filter((m) => /added|Paused by|Resumed by/.test(m.text))).toHaveLength(3);
    const phase2 = h.slack.calls.find((c) => c.method === 'chat.postMessage' && String(c.params.text).startsWith('Phase 2'));
    expect(phase2?.at).toBe(start + 7 * MIN);
  });
});

describe('a session waiting for the app to be invited to its channel', () => {
  const PRIVATE = 'G0PRIVATE';
  const row = () => h.db.prepare('SELECT status, pause_reason FROM sessions').get();

  it.each(['resume', 'next', 'extend 5m', 'pause'])('status says what it waits for, steering says what is needed instead of pretending, and `%s` after the invitation carries it on', async (after) => {
    await h.command('start Design a rate limiter --plan 1m/1m/1m/1m', { channel: PRIVATE });
    expect(row()).toEqual({ status: 'paused', pause_reason: 'not_in_channel' });
    const status = allText((await h.command('status', { channel: PRIVATE })) as Ack);
    expect(status).toContain('is waiting for mockdesign to be invited to this channel');
    expect(status).toContain('`/invite @mockdesign` in this channel');
    expect(status).not.toContain('resume');
    const resumed = ((await h.command('resume', { channel: PRIVATE })) as Ack).text;
    expect(resumed).toContain('waiting for mockdesign to be invited');
    expect(resumed).not.toContain('Resumed');
    // One answer for every command that would move the clock: it is stopped until the invitation, whatever is typed.
    for (const verb of ['pause', 'next', 'extend 5m']) expect(((await h.command(verb, { channel: PRIVATE })) as Ack).text).toBe(resumed);
    expect(row()).toEqual({ status: 'paused', pause_reason: 'not_in_channel' });
    expect(h.root(PRIVATE)).toBeUndefined();
    // Invited, but Slack's event never came: whatever is typed next tries again at once, and the session carries on
    // from its first phase, with all its time (the command itself moved nothing).
    h.slack.workspace.channels.get(PRIVATE)!.botIsMember = true;
    expect(((await h.command(after, { channel: PRIVATE })) as Ack).text).toContain('trying again now');
    await h.tick();
    expect(row()).toEqual({ status: 'running', pause_reason: null });
    expect(allText(h.thread(PRIVATE)[0] ?? {})).toContain('Phase 1 of 4');
    expect(allText(h.thread(PRIVATE)[0] ?? {})).not.toContain('late');
    expect(h.thread(PRIVATE)).toHaveLength(1);
  });
});

describe('/mockdesign host', () => {
  it('hands the session over and tells the new host privately, once, what they can do now', async () => {
    await h.command('start Design a URL shortener');
    const ack = (await h.command('host <@U0CAROL|carol>')) as Ack;
    expect(ack.text).toBe('🤝 <@U0CAROL> is the host now; you stay on as an interviewer.');
    const told = h.slack.messages('DU0CAROL');
    expect(told).toHaveLength(1);
    const text = allText(told[0] ?? {});
    expect(text).toMatch(/<@U0ALICE> handed you \*<[^|>]+\|Design a URL shortener>\*/);
    expect(text).toContain(`<#${CHANNEL}>`);
    for (const how of ['/mockdesign next', '+5 min', '/mockdesign end', '/mockdesign host @someone']) expect(text).toContain(how);
    // The former host, now an interviewer, cannot hand it over again, so the new host is not told twice.
    expect(((await h.command('host <@U0CAROL|carol>')) as Ack).text).toContain('Only the host');
    expect(h.slack.messages('DU0CAROL')).toHaveLength(1);
  });

  it('tells an observer, or anyone not on the panel, that only the host hands over, as it tells an interviewer', async () => {
    await h.command('start Design a URL shortener --candidate <@U0BOB> --interviewer <@U0CAROL> --observer <@U0DAVE>');
    for (const user of ['U0DAVE', 'U0BOB', GUEST, 'U0CAROL']) {
      expect(((await h.command('host <@U0DAVE|dave>', { user })) as Ack).text, user).toBe(`Only the host, <@${HOST}>, can hand the session over.`);
    }
    expect(h.db.prepare('SELECT host_id FROM sessions').pluck().get()).toBe(HOST);
  });

  it('answers the host naming themselves, several people or someone Slack does not know, and changes nothing', async () => {
    await h.command('start Design a URL shortener');
    expect(((await h.command('host <@U0ALICE|alice>')) as Ack).text).toBe("You're the host already.");
    for (const text of ['host <@U0BOB|bob> <@U0CAROL|carol>', 'host <@U0BOB|bob>,<@U0CAROL|carol>', 'host <@U0BOB|bob> @zed']) {
      expect(((await h.command(text)) as Ack).text).toContain('A session has one host: mention one person');
    }
    expect(((await h.command('host @zed')) as Ack).text).toContain("`@zed` is not a person Slack knows");
    expect(((await h.command('host')) as Ack).text).toContain('Name the new host with a mention');
    expect(h.db.prepare('SELECT host_id FROM sessions').pluck().get()).toBe(HOST);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.params.channel).startsWith('U'))).toEqual([]);
  });
});

describe('/mockdesign help', () => {
  it('asks a near miss whether it meant the closest command, and does nothing', async () => {
    const ack = (await h.command('shedule "every tue 18:00" --tz Europe/Berlin')) as Ack;
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toBe("I don't know `shedule`. Did you mean `/mockdesign schedule`?");
    expect(h.db.prepare('SELECT count(*) FROM schedules').pluck().get()).toBe(0);
    expect(h.slack.calls).toHaveLength(0);
  });

  it.each(['', 'help', 'dance'])('answers %j with usage and examples, ephemeral, posting nothing', async (text) => {
    const ack = (await h.command(text)) as Ack;
    expect(ack.response_type).toBe('ephemeral');
    const body = allText(ack);
    for (const verb of ['start', 'status', 'note', 'next', 'end']) expect(body).toContain(`/mockdesign ${verb}`);
    expect(body).toContain('--plan 10/25/20/5');
    if (text === 'dance') expect(body).toContain("I don't know `dance`");
    expect(h.slack.calls).toHaveLength(0);
    expect(sessionCount()).toBe(0);
  });
});

describe('/mockdesign status, note, next, end', () => {
  it('says there is no session when none runs', async () => {
    for (const verb of ['status', 'next', 'end', 'note hi']) {
      const ack = (await h.command(verb)) as Ack;
      expect(ack.text).toContain('No session is running');
    }
  });

  it('status shows the phase, the time left and the notes so far', async () => {
    await h.command('start Design a URL shortener');
    await h.advance(2 * 60_000, 60_000);
    await h.command('note Reads outnumber writes 100:1', { user: GUEST });
    const ack = (await h.command('status')) as Ack;
    expect(ack.text).toContain('phase 1 of 4');
    expect(ack.text).toContain('Requirements &amp; scope');
    expect(ack.text).toContain('3 min left');
    expect(ack.text).toContain('1 note so far');
  });

  it('note stores a note on the current phase and it shows in the summary', async () => {
    await h.command('start Design a URL shortener');
    const ack = (await h.command('note Cache the redirects <b>hot</b>', { user: GUEST })) as Ack;
    expect(ack.text).toContain('Note saved under *Requirements &amp; scope*');
    expect(noteCount()).toBe(1);
    await h.command('end');
    const summary = h.thread().map((m) => allText(m)).join('\n');
    expect(summary).toContain('Cache the redirects &lt;b&gt;hot&lt;/b&gt;');
    expect(summary).toContain('<@U0BOB>');
  });

  it('note turns Slack references into plain words, like the topic', async () => {
    await h.command('start Design a URL shortener');
    await h.command('note ask <@U0BOB|bob> about 3 &lt; 4 &amp; see <https://example.com/a?b=1&amp;c=2> and <#C0GENERAL|general>');
    expect(h.db.prepare('SELECT body FROM notes').pluck().get()).toBe('ask @bob about 3 < 4 & see https://example.com/a?b=1&c=2 and #general');
    await h.command('end');
    expect(allText(h.thread().at(-1) ?? {})).toContain('ask @bob about 3 &lt; 4 &amp; see https://example.com/a?b=1&amp;c=2 and #general');
  });

  it('measures a note and a topic as typed, not as Slack encodes them', async () => {
    // 200 typed characters, 40 of them `&`: Slack sends each as `&amp;`, 360 characters in all.
    const topic = 'R&D tools '.repeat(20).trim() + 'x';
    expect(topic).toHaveLength(200);
    const started = (await h.command(`start ${topic.replace(/&/g, '&amp;')}`)) as Ack;
    expect(started.text).toContain('Starting');
    // 2,900 typed characters with 100 `&` and a mention: 3,300 and more as Slack sends them.
    const note = `ask <@U0BOB|bob> ${'p&q '.repeat(100)}${'x'.repeat(2500 - 'ask @bob '.length)}`;
    const saved = (await h.command(`note ${note.replace(/&/g, '&amp;')}`)) as Ack;
    expect(saved.text).toContain('Note saved');
    const body = String(h.db.prepare('SELECT body FROM notes').pluck().get());
    expect(body).toHaveLength(2900);
    expect(body.startsWith('ask @bob p&q ')).toBe(true);
    // The refusal counts what was typed, too.
    const refused = (await h.command(`note ${'&amp;'.repeat(3001)}`)) as Ack;
    expect(refused.text).toContain('A note can be at most 3000 characters; this one has 3001.');
    expect(noteCount()).toBe(1);
  });

  it('next ends the current phase now; later phases keep their planned lengths', async () => {
    await h.command('start Design a URL shortener');
    const before = (await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL));
    await h.advance(60_000, 60_000);
    const ack = (await h.command('next')) as Ack;
    expect(ack.text).toContain('On to phase 2');
    const after = (await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL));
    const now = h.clock.now();
    expect(after?.phases[1]?.startsAt).toBe(now);
    expect(after?.phases[2]?.startsAt).toBe(now + 20 * 60_000);
    expect(after?.phases.map((p) => p.plannedMs)).toEqual(before?.phases.map((p) => p.plannedMs));
    expect(allText(h.thread().at(-1) ?? {})).toContain('Phase 2 of 4');
  });

  it('takes a next typed just after a phase began on time for the end of the phase before: the new phase is not skipped', async () => {
    await h.command('start Design a URL shortener --plan 1/1/1/1');
    // Typed at once after the start, next moves on: the first phase began with the session, not by moving on.
    await h.advance(5_000, 5_000);
    expect(((await h.command('next')) as Ack).text).toContain('On to phase 2');
    // Phase 2 ends on time and phase 3 begins; a next typed 5 s later was meant for phase 2.
    await h.advance(65_000, 5_000);
    const late = (await h.command('next')) as Ack;
    expect(late.response_type).toBe('ephemeral');
    expect(late.text).toBe('The session has already moved on to the next phase.');
    const phase = async () => currentPhaseIndex((await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL))?.phases ?? [], h.clock.now());
    expect(await phase()).toBe(2);
    // Once the phase has run for the repeat window, next moves on again.
    await h.advance(REPEAT_WINDOW_MS, 5_000);
    expect(((await h.command('next')) as Ack).text).toContain('On to phase 4');
    expect(await phase()).toBe(3);
  });

  it('only the host and interviewers may steer; others are told why, and nothing changes', async () => {
    await h.command('start Design a feed --interviewer <@U0CAROL|carol>');
    const refused = (await h.command('next', { user: GUEST })) as Ack;
    expect(refused.text).toContain('Only the host and the interviewers');
    expect(h.thread()).toHaveLength(1);
    const allowed = (await h.command('next', { user: 'U0CAROL' })) as Ack;
    expect(allowed.text).toContain('On to phase 2');
    // Anyone may add notes.
    expect(((await h.command('note fine by me', { user: GUEST })) as Ack).text).toContain('Note saved');
  });

  it('end with the word phase after it ends nothing and points to next, privately', async () => {
    await h.command('start Design a URL shortener');
    const ack = (await h.command('end phase')) as Ack;
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('/mockdesign next');
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('running');
    expect(h.thread()).toHaveLength(1);
  });

  it('end posts the summary and takes the buttons off the root message', async () => {
    await h.command('start Design a URL shortener');
    const ack = (await h.command('end')) as Ack;
    expect(ack.text).toContain('Session ended');
    const last = allText(h.thread().at(-1) ?? {});
    expect(last).toContain('Summary');
    expect(last).toContain('not reached');
    const root = h.root();
    expect(root?.edited).toBeDefined();
    expect(JSON.stringify(root?.blocks)).not.toContain('mockdesign_next_phase');
    expect(allText(root ?? {})).toContain('Ended');
    // The channel is free again.
    expect(((await h.command('start Another one')) as Ack).text).toContain('Starting');
  });

  it('a pause in the wrap-up gives its time back', async () => {
    await h.command('start Design a URL shortener --plan 1m/1m/1m/5m');
    await h.advance(4 * 60_000, 60_000); // one minute into the wrap-up
    await h.command('pause');
    await h.advance(10 * 60_000, 60_000);
    await h.command('resume');
    expect(((await h.command('status')) as Ack).text).toContain('4 min left');
    await h.advance(4 * 60_000 - 1000, 60_000);
    expect(h.thread().some((m) => m.text.startsWith('Summary'))).toBe(false);
    await h.advance(1000);
    expect(h.thread().at(-1)?.text).toContain('Summary');
  });

  it('pause stops the clock and resume moves the schedule by the paused span', async () => {
    await h.command('start Design a URL shortener');
    await h.advance(60_000, 60_000);
    expect(((await h.command('pause')) as Ack).text).toContain('Paused');
    await h.advance(30 * 60_000, 60_000);
    // Nothing of the schedule is posted while paused: only the line saying it was paused.
    expect(h.thread().map((m) => m.text)).toEqual([expect.stringContaining('Phase 1 of 4'), expect.stringContaining('Paused by <@U0ALICE>')]);
    expect(((await h.command('resume')) as Ack).text).toContain('Resumed');
    const session = (await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL));
    expect(session?.phases[1]?.startsAt).toBe(h.clock.now() + 4 * 60_000);
    await h.advance(4 * 60_000, 60_000);
    expect(allText(h.thread().at(-1) ?? {})).toContain('Phase 2 of 4');
  });
});

describe('Bolt middleware', () => {
  it('keeps no conversation state in memory: several instances could not share it, and nothing reads it', async () => {
    const seen: unknown[] = [];
    h.md.app.use(async ({ context, next }) => {
      seen.push(context.updateConversation);
      await next();
    });
    // Middleware added after ours sees only what our router passes on, such as another app's command; Bolt sets
    // the context before any middleware runs, the same for every request.
    await h.receiver.send({ command: '/another', text: 'help', user_id: HOST, channel_id: CHANNEL, team_id: TEAM, api_app_id: 'A0SANDBOX' });
    // Bolt's default store would have put a function here for the command's channel.
    expect(seen).toEqual([undefined]);
  });
});
