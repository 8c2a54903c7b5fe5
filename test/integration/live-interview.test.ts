/** Live interviews through the real Bolt router: roles and level, prompts from the bank, extending a phase, handing over. */
import { afterEach, describe, expect, it } from 'vitest';
import { PROMPTS } from '../../src/domain/prompts.ts';
import { LIMITS } from '../../src/slack/limits.ts';
import { checkMessageBlocks } from '../../sandbox/stand-in/block-kit-limits.ts';
import { allText, CHANNEL, createHarness, GUEST, HOST, type Harness } from '../support/harness.ts';
import { until } from '../support/until.ts';

const MIN = 60_000;
let h: Harness;
afterEach(async () => {
  await h?.close();
});

type Ack = { text: string };
const CANDIDATE = 'U0CANDY';
const INTERVIEWER = 'U0IVAN';
const OBSERVER = 'U0OLGA';

function people(): { user_id: string; role: string }[] {
  return h.db.prepare('SELECT user_id, role FROM session_people ORDER BY rowid').all() as { user_id: string; role: string }[];
}

describe('roles and level', () => {
  it('stores who is who and shows it on the session message and in the summary', async () => {
    h = await createHarness();
    const ack = (await h.command(
      `start Design a news feed --candidate <@${CANDIDATE}|candy> --interviewer <@${INTERVIEWER}> --observer <@${OBSERVER}> --level staff`,
    )) as Ack;
    expect(ack.text).toContain('Starting');
    expect(people()).toEqual([
      { user_id: HOST, role: 'host' },
      { user_id: CANDIDATE, role: 'candidate' },
      { user_id: INTERVIEWER, role: 'interviewer' },
      { user_id: OBSERVER, role: 'observer' },
    ]);
    expect(h.db.prepare('SELECT level, prompt_id FROM sessions').get()).toEqual({ level: 'staff', prompt_id: 'news-feed' });
    const root = allText(h.root() ?? {});
    expect(root).toContain(`Candidate <@${CANDIDATE}>`);
    expect(root).toContain(`Interviewer <@${INTERVIEWER}>`);
    expect(root).toContain(`Observer <@${OBSERVER}>`);
    expect(root).toContain('Level: Staff');
    // The topic matched a prompt of the bank: its brief and scale come along, the host's words stay the topic.
    expect(root).toContain('Design a news feed');
    expect(root).toContain('Scale to assume');

    await h.command('end');
    await h.tick();
    const summary = h.thread().map((m) => allText(m)).find((t) => t.includes('Summary')) ?? '';
    expect(summary).toContain(`candidate <@${CANDIDATE}>`);
    expect(summary).toContain(`observer <@${OBSERVER}>`);
    expect(summary).toContain('level Staff');
  });

  it('takes interviewers listed with commas', async () => {
    h = await createHarness();
    const ack = (await h.command(`start Design a news feed --interviewer <@${INTERVIEWER}|ivan>, <@${GUEST}|bob> --level mid`)) as Ack;
    expect(ack.text).toContain('Starting *Design a news feed*');
    expect(people()).toEqual([
      { user_id: HOST, role: 'host' },
      { user_id: INTERVIEWER, role: 'interviewer' },
      { user_id: GUEST, role: 'interviewer' },
    ]);
  });

  it('refuses a host who names themselves the candidate, and starts nothing', async () => {
    h = await createHarness();
    const ack = (await h.command(`start Design a news feed --candidate <@${HOST}>`)) as Ack;
    expect(ack.text).toContain("can't also be its candidate");
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('refuses the app itself as candidate, interviewer or observer, privately, and starts nothing', async () => {
    h = await createHarness();
    // The harness's app answers as the bot user U0BOT.
    for (const role of ['candidate', 'interviewer', 'observer']) {
      const ack = (await h.command(`start Design a news feed --${role} <@U0BOT|mockdesign> --level mid`)) as Ack & { response_type: string };
      expect(ack.response_type).toBe('ephemeral');
      expect(ack.text).toContain('mockdesign itself');
      expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    }
    expect(h.root()).toBeUndefined();
  });

  it('lets observers watch but not steer; the candidate cannot steer either', async () => {
    h = await createHarness();
    await h.command(`start Design X --candidate <@${CANDIDATE}> --observer <@${OBSERVER}>`);
    expect(((await h.command('next', { user: OBSERVER })) as Ack).text).toContain('Only the host and the interviewers');
    expect(((await h.command('next', { user: CANDIDATE })) as Ack).text).toContain('Only the host and the interviewers');
  });
});

describe('start --random', () => {
  it('picks a prompt this channel has not had yet, and shows its brief', async () => {
    h = await createHarness({ random: () => 0 });
    const used: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect(((await h.command('start --random')) as Ack).text).toContain('Starting');
      const row = h.db.prepare("SELECT prompt_id, topic FROM sessions WHERE status <> 'ended'").get() as { prompt_id: string; topic: string };
      const prompt = PROMPTS.find((p) => p.id === row.prompt_id);
      expect(prompt).toBeDefined();
      expect(row.topic).toBe(prompt?.title);
      const roots = h.slack.messages(CHANNEL).filter((m) => !m.thread_ts && m.metadata?.event_type === 'mockdesign_step');
      expect(allText(roots.at(-1) ?? {})).toContain(prompt?.brief.slice(0, 40));
      used.push(row.prompt_id);
      await h.command('end');
      await h.tick();
    }
    expect(new Set(used).size).toBe(3);
  });

  it('counts only this channel’s sessions as used', async () => {
    h = await createHarness({ random: () => 0 });
    await h.command('start --random', { channel: 'C0PREP' });
    await h.command('end', { channel: 'C0PREP' });
    await h.tick();
    await h.command('start --random');
    const picked = h.db.prepare('SELECT channel_id, prompt_id FROM sessions ORDER BY created_at, rowid').all();
    expect(picked).toEqual([
      { channel_id: 'C0PREP', prompt_id: PROMPTS[0]?.id },
      { channel_id: CHANNEL, prompt_id: PROMPTS[0]?.id },
    ]);
  });
});

describe('extend', () => {
  it('gives the phase under way more time and moves everything after it', async () => {
    h = await createHarness();
    await h.command('start Design X');
    await h.advance(2 * MIN, MIN);
    expect(((await h.command('extend 10m')) as Ack).text).toContain('*Requirements &amp; scope* has 10 min more');
    await h.advance(5 * MIN, MIN);
    expect(h.thread().some((m) => allText(m).includes('Phase 2 of 4'))).toBe(false);
    await h.advance(7 * MIN, MIN);
    expect(h.thread().some((m) => allText(m).includes('Phase 2 of 4'))).toBe(false);
    await h.advance(2 * MIN, MIN);
    expect(h.thread().some((m) => allText(m).includes('Phase 2 of 4'))).toBe(true);
    expect(Number(h.db.prepare('SELECT planned_ms FROM session_phases WHERE idx = 0').pluck().get())).toBe(15 * MIN);
  });

  it('is refused to someone who may not steer, and while paused', async () => {
    h = await createHarness();
    await h.command('start Design X');
    expect(((await h.command('+5', { user: GUEST })) as Ack).text).toContain('Only the host and the interviewers');
    await h.command('pause');
    expect(((await h.command('extend 5m')) as Ack).text).toMatch(/paused/i);
  });
});

describe('host', () => {
  it('hands the session over; the former host stays on as an interviewer', async () => {
    h = await createHarness();
    await h.command(`start Design X --candidate <@${CANDIDATE}>`);
    expect(((await h.command(`host <@${GUEST}>`, { user: INTERVIEWER })) as Ack).text).toMatch(/Only the host/);
    expect(((await h.command(`host <@${CANDIDATE}>`)) as Ack).text).toMatch(/candidate can't host/);
    // Handed to the app, the session would have a host nobody could take it back from.
    expect(((await h.command('host <@U0BOT>')) as Ack).text).toContain('mockdesign itself');
    expect(h.db.prepare('SELECT host_id FROM sessions').pluck().get()).toBe(HOST);
    expect(((await h.command(`host <@${GUEST}>`)) as Ack).text).toContain(`<@${GUEST}> is the host now`);
    expect(h.db.prepare('SELECT host_id FROM sessions').pluck().get()).toBe(GUEST);
    expect(people()).toContainEqual({ user_id: HOST, role: 'interviewer' });
    expect(((await h.command('next', { user: GUEST })) as Ack).text).toContain('On to phase 2');
    await h.advance(30_000, 30_000);
    expect(((await h.command('next', { user: HOST })) as Ack).text).toContain('On to phase 3');
    await h.tick();
    expect(allText(h.root() ?? {})).toContain(`Host <@${GUEST}>`);
  });
});

describe('note --kind', () => {
  it('stores the kind typed', async () => {
    h = await createHarness();
    await h.command('start Design X');
    await h.command('note --kind tradeoff Fan-out on write vs on read');
    expect(h.db.prepare('SELECT kind, body FROM notes').get()).toEqual({ kind: 'trade_off', body: 'Fan-out on write vs on read' });
  });
});

describe('controls on the session message', () => {
  function buttons(): { action_id: string; value: string }[] {
    const actions = (h.root()?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { action_id: string; value: string }[] } | undefined;
    return actions?.elements ?? [];
  }
  const press = async (actionId: string, user = HOST) => {
    const button = buttons().find((b) => b.action_id === actionId);
    if (!button) throw new Error(`no ${actionId} button on the session message`);
    await h.click(actionId, button.value, { user });
    await h.tick();
  };

  it('pause, resume and +5 min from buttons; the summary shows the time paused per phase', async () => {
    h = await createHarness();
    await h.command('start Design X');
    expect(buttons().map((b) => b.action_id)).toEqual(['mockdesign_add_note', 'mockdesign_pause', 'mockdesign_next_phase', 'mockdesign_extend', 'mockdesign_end_session']);
    await h.advance(MIN, MIN);
    await press('mockdesign_pause');
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('paused');
    // Paused: only Add note, Resume and End.
    expect(buttons().map((b) => b.action_id)).toEqual(['mockdesign_add_note', 'mockdesign_resume', 'mockdesign_end_session']);
    await h.advance(3 * MIN, MIN);
    await press('mockdesign_resume');
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('running');
    await press('mockdesign_extend');
    // Phase 1: 5 min planned + 5 more, and 3 min paused: phase 2 starts at 13 min.
    expect(Number(h.db.prepare('SELECT starts_at FROM session_phases WHERE idx = 1').pluck().get()) - Number(h.db.prepare('SELECT created_at FROM sessions').pluck().get())).toBe(13 * MIN);
    await press('mockdesign_extend', GUEST);
    expect(h.slack.ephemerals().at(-1)?.text).toContain('Only the host and the interviewers');
    await h.command('end');
    await h.tick();
    const summary = h.thread().map((m) => allText(m)).find((t) => t.includes('Summary')) ?? '';
    expect(summary).toContain('*Requirements &amp; scope*: planned 5 min (+5 min added), actual');
    expect(summary).toContain('of which paused 3 min');
  });

  it('obey the interviewers as they do the host, and nobody else: not the candidate, not an observer', async () => {
    // Channel members, so that a refusal can reach them as an ephemeral.
    const [candidate, interviewer, observer] = ['U0BOB', 'U0CAROL', 'U0DAVE'];
    h = await createHarness();
    await h.command(`start Design X --candidate <@${candidate}> --interviewer <@${interviewer}> --observer <@${observer}>`);
    const lastTo = (user: string) => h.slack.ephemerals().filter((e) => e.user === user).at(-1)?.text;
    for (const user of [candidate, observer]) {
      await press('mockdesign_next_phase', user);
      expect(lastTo(user)).toContain('Only the host and the interviewers');
      await press('mockdesign_pause', user);
      expect(lastTo(user)).toContain('Only the host and the interviewers');
    }
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('running');
    expect(Number(h.db.prepare('SELECT planned_ms FROM session_phases WHERE idx = 0').pluck().get())).toBe(5 * MIN);

    await press('mockdesign_extend', interviewer);
    expect(Number(h.db.prepare('SELECT planned_ms FROM session_phases WHERE idx = 0').pluck().get())).toBe(10 * MIN);
    await press('mockdesign_pause', interviewer);
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('paused');
    await press('mockdesign_resume', interviewer);
    await press('mockdesign_next_phase', interviewer);
    expect(allText(h.root() ?? {})).toContain('Now: *High-level design*');
    await press('mockdesign_end_session', interviewer);
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('ended');
  });
});

describe('the start form', () => {
  async function submitStart(values: Record<string, Record<string, unknown>>, privateMetadata: string, user = HOST) {
    const response = await h.submitView(
      { id: 'V0START', callback_id: 'mockdesign_start_modal', private_metadata: privateMetadata, title: 'Start a mock interview' },
      values,
      { user },
    );
    await h.tick();
    return response as { response_action?: string; errors?: Record<string, string> } | undefined;
  }
  const select = (value: string) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } });
  const text = (value: string | null) => ({ type: 'plain_text_input', value });

  it('tells the host once when Slack does not open the form, and logs it once when that reply fails too', async () => {
    h = await createHarness();
    h.slack.fail('views.open', { error: 'expired_trigger_id' }, 2);
    await h.command('start');
    expect(h.slack.ephemerals().map((e) => e.text)).toEqual([expect.stringContaining('start form did not open')]);
    h.slack.fail('response_url', { status: 503 });
    await h.command('start');
    const warned = h.logs.filter((l) => l.level === 'warn').map((l) => [l.msg, l.channel]);
    expect(warned.slice(1)).toEqual([['could not open the start form', CHANNEL], ['could not answer privately', CHANNEL]]);
  });

  it('opens on `start` alone, refuses mistakes inline, then starts the session as the command would', async () => {
    h = await createHarness({ random: () => 0.5 });
    const ack = await h.command('start');
    expect(ack).toBeUndefined(); // an empty ack: the form opens instead of a reply
    const [view] = h.slack.openViews(HOST);
    expect(view?.callback_id).toBe('mockdesign_start_modal');
    const meta = String(view?.private_metadata);

    // Nothing to start from, and a custom plan that is not one: two inline errors, nothing stored.
    const refused = await submitStart(
      { start_topic: { start_topic: text(null) }, start_plan: { start_plan: select('custom') }, start_custom_plan: { start_custom_plan: text('5/20') } },
      meta,
    );
    expect(refused?.response_action).toBe('errors');
    expect(Object.keys(refused?.errors ?? {}).sort()).toEqual(['start_custom_plan', 'start_topic']);
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    // A topic of zero-width spaces alone shows nothing: it is no topic.
    const invisible = await submitStart({ start_topic: { start_topic: text('\u200b \u2060') }, start_plan: { start_plan: select('standard') } }, meta);
    expect(invisible?.errors).toEqual({ start_topic: 'Give a topic, or pick a prompt below.' });
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    const candidateAlsoInterviewer = await submitStart(
      {
        start_prompt: { start_prompt: select('rate-limiter') },
        start_candidate: { start_candidate: { type: 'users_select', selected_user: CANDIDATE } },
        start_interviewers: { start_interviewers: { type: 'multi_users_select', selected_users: [CANDIDATE] } },
        start_plan: { start_plan: select('standard') },
      },
      meta,
    );
    expect(candidateAlsoInterviewer?.errors?.start_candidate).toContain('cannot also be an interviewer');

    // Whoever starts it hosts it, and the host is on the panel's side: not its candidate.
    const hostAsCandidate = await submitStart(
      {
        start_prompt: { start_prompt: select('rate-limiter') },
        start_candidate: { start_candidate: { type: 'users_select', selected_user: HOST } },
        start_plan: { start_plan: select('standard') },
      },
      meta,
    );
    expect(hostAsCandidate?.errors?.start_candidate).toContain("can't also be its candidate");

    // The app itself is no person to interview or be interviewed: refused on the field that names it.
    const appInRole = [
      { field: 'start_candidate', value: { type: 'users_select', selected_user: 'U0BOT' }, error: 'That is mockdesign itself, not a person: name someone else as the candidate.' },
      { field: 'start_observers', value: { type: 'multi_users_select', selected_users: [OBSERVER, 'U0BOT'] }, error: 'That is mockdesign itself, not a person: name someone else as an observer.' },
      { field: 'start_interviewers', value: { type: 'multi_users_select', selected_users: [INTERVIEWER, 'U0BOT'] }, error: 'That is mockdesign itself, not a person: name someone else as an interviewer.' },
    ];
    for (const { field, value, error } of appInRole) {
      const refused = await submitStart({ start_prompt: { start_prompt: select('rate-limiter') }, [field]: { [field]: value }, start_plan: { start_plan: select('standard') } }, meta);
      expect(refused?.errors).toEqual({ [field]: error });
    }
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    const started = await submitStart(
      {
        start_topic: { start_topic: text('') },
        start_prompt: { start_prompt: select('rate-limiter') },
        start_candidate: { start_candidate: { type: 'users_select', selected_user: CANDIDATE } },
        start_interviewers: { start_interviewers: { type: 'multi_users_select', selected_users: [INTERVIEWER] } },
        start_observers: { start_observers: { type: 'multi_users_select', selected_users: [OBSERVER] } },
        start_level: { start_level: select('senior') },
        start_plan: { start_plan: select('hour') },
      },
      meta,
    );
    expect(started?.response_action).toBeUndefined();
    expect(h.db.prepare('SELECT topic, level, prompt_id FROM sessions').get()).toEqual({ topic: 'Rate limiter', level: 'senior', prompt_id: 'rate-limiter' });
    expect(people().map((p) => p.role)).toEqual(['host', 'candidate', 'interviewer', 'observer']);
    expect(h.db.prepare('SELECT planned_ms FROM session_phases ORDER BY idx').pluck().all()).toEqual([10, 25, 20, 5].map((m) => m * MIN));
    expect(allText(h.root() ?? {})).toContain('Candidate <@U0CANDY>');
    expect(h.slack.ephemerals().some((e) => e.user === HOST && e.text.includes('Starting'))).toBe(true);

    // A second start from the form while one runs: refused on the form, nothing replaced.
    const busy = await submitStart({ start_topic: { start_topic: text('Another') }, start_plan: { start_plan: select('standard') } }, meta);
    expect(busy?.errors?.start_topic).toContain('already running');
  });

  it('is not opened while a session runs in the channel: the host is told at once, privately, before filling it in', async () => {
    h = await createHarness();
    await h.command('start Design a URL shortener');
    const ack = (await h.command('start')) as Ack & { response_type: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('A session is already running in this channel');
    expect(h.slack.openViews(HOST)).toEqual([]);
  });

  it('does not drop a custom plan typed while another plan is chosen: it asks which one, and starts nothing', async () => {
    h = await createHarness();
    const meta = JSON.stringify({ c: CHANNEL });
    const typedButNotChosen = await submitStart(
      { start_topic: { start_topic: text('Design X') }, start_plan: { start_plan: select('standard') }, start_custom_plan: { start_custom_plan: text('10/30/20/5') } },
      meta,
    );
    expect(typedButNotChosen?.errors).toEqual({ start_custom_plan: 'Choose Custom (type it below) as the plan to use this one, or clear it.' });
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    // The advice under a plan that is not one is for this field: typed as it says, it is a plan.
    const tooLong = await submitStart(
      { start_topic: { start_topic: text('Design X') }, start_plan: { start_plan: select('custom') }, start_custom_plan: { start_custom_plan: text('20d/20d/1d/1d') } },
      meta,
    );
    expect(tooLong?.errors).toEqual({ start_custom_plan: 'A session can last at most 30 days in all; 20d/20d/1d/1d is longer. Try 5/20/15/5 (minutes) or 1d/3d/2d/1d for a study group.' });
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    // Chosen, it is the plan; blank, the choice stands.
    await submitStart({ start_topic: { start_topic: text('Design X') }, start_plan: { start_plan: select('custom') }, start_custom_plan: { start_custom_plan: text('10/30/20/5') } }, meta);
    expect(h.db.prepare('SELECT planned_ms FROM session_phases ORDER BY idx').pluck().all()).toEqual([10, 30, 20, 5].map((m) => m * MIN));
    await h.command('end');
    await submitStart({ start_topic: { start_topic: text('Design Y') }, start_plan: { start_plan: select('hour') }, start_custom_plan: { start_custom_plan: text('  ') } }, meta);
    expect(h.db.prepare("SELECT count(*) FROM sessions WHERE topic = 'Design Y'").pluck().get()).toBe(1);
  });

  it('names the running session without cutting a character in half when its topic is long', async () => {
    h = await createHarness();
    const topic = `${'x'.repeat(79)}🚀 Design a launch pad`;
    await h.command(`start ${topic}`);
    const busy = await submitStart({ start_topic: { start_topic: text('Another') }, start_plan: { start_plan: select('standard') } }, JSON.stringify({ c: CHANNEL }));
    expect(busy?.errors?.start_topic).toBe(`A session is already running in this channel (${'x'.repeat(79)}…). End it first.`);
  });
});

describe('private nudges to interviewers', () => {
  const USERS = [
    { id: 'U0ALICE', name: 'alice' },
    { id: 'U0BOB', name: 'bob' },
    { id: 'U0CAROL', name: 'carol' },
    { id: 'U0ERIN', name: 'erin' },
  ];
  const standIn = {
    users: USERS,
    // Erin interviews from outside the channel: her nudges come as DMs.
    channels: [{ id: 'C0GENERAL', name: 'general', members: ['U0ALICE', 'U0BOB', 'U0CAROL'], botIsMember: true }],
  };
  const nudgesTo = (user: string) => [
    ...h.slack.ephemerals().filter((e) => e.user === user && /For interviewers/.test(e.text)),
    ...h.slack.messages(`D${user}`).filter((m) => /For interviewers/.test(m.text)),
  ];
  /** Everything the candidate can read: the channel, the thread, and what was sent to them alone. */
  const seenByCandidate = () => [
    ...h.slack.allMessages().filter((m) => m.channel === 'C0GENERAL' || m.channel === 'DU0BOB').map((m) => allText(m)),
    ...h.slack.ephemerals().filter((e) => e.user === 'U0BOB').map((e) => allText(e)),
  ];

  it('tells the interviewers, never the candidate, what to listen for as a phase starts, and what is missing half-way', async () => {
    h = await createHarness({ standIn });
    await h.command('start Design a rate limiter --candidate <@U0BOB> --interviewer <@U0CAROL> <@U0ERIN> --level staff');
    // Phase 1 starts: host and the interviewer in the channel get it ephemerally, in the thread; Erin by DM.
    const [start] = nudgesTo('U0CAROL');
    expect(start?.text).toBe('For interviewers: Requirements &amp; scope begins');
    const body = allText(start ?? {});
    expect(body).toContain('Listen for (Staff)');
    expect(body).toContain('Probes');
    expect(nudgesTo('U0ALICE')).toHaveLength(1);
    expect(nudgesTo('U0ERIN')).toHaveLength(1);
    expect(nudgesTo('U0BOB')).toHaveLength(0);

    // Half-way through phase 1 (2.5 min) with no numbers noted yet: the nudge says so.
    await h.command('note Users can be throttled per API key', { user: 'U0CAROL' });
    await h.advance(3 * MIN, 30_000);
    const mid = nudgesTo('U0CAROL').at(-1);
    expect(mid?.text).toContain('half-way through Requirements');
    expect(allText(mid ?? {})).toMatch(/Not in the notes yet/);

    // Nothing the candidate can see holds a nudge.
    expect(seenByCandidate().some((t) => /For interviewers|Listen for|Probes|Not in the notes yet/.test(t))).toBe(false);
  });

  it('a nudge whose fate is unknown counts as sent to its one person only: the rest of the panel still get theirs', async () => {
    h = await createHarness({ standIn });
    // The first nudge of phase 1 meets a 503: it may have reached that person, and a private message cannot be
    // looked for, so it is taken as sent (never twice). The others were never tried and must still go.
    h.slack.fail('chat.postEphemeral', { status: 503 }, 1);
    await h.command('start Design a rate limiter --candidate <@U0BOB> --interviewer <@U0CAROL> <@U0ERIN> --level staff');
    await h.advance(MIN, 5_000);
    const got = ['U0ALICE', 'U0CAROL', 'U0ERIN'].map((user) => nudgesTo(user).length);
    expect(got.filter((n) => n === 1)).toHaveLength(2);
    expect(got.filter((n) => n === 0)).toHaveLength(1);
    expect(h.db.prepare("SELECT state FROM steps WHERE step_key = 'nudge:start:0'").get()).toEqual({ state: 'done' });
  });

  it('an interviewer Slack refuses a direct message to misses their nudges alone: the session runs on, the host is told once', async () => {
    h = await createHarness({ standIn });
    // Erin is not in the channel, and Slack will not open a DM with her either (a person of another organisation,
    // say): every private message to her is refused, and Slack's word for it is the one it uses for a gone channel.
    h.slack.fail('chat.postMessage', { error: 'channel_not_found' }, 1000, (p) => p.channel === 'U0ERIN');
    await h.command('start Design a rate limiter --candidate <@U0BOB> --interviewer <@U0ERIN> <@U0CAROL> --level staff');
    await h.advance(3 * MIN, 30_000);
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('running');
    // The rest of the panel get every nudge so far (phase 1 begins, then half-way).
    expect(nudgesTo('U0CAROL')).toHaveLength(2);
    expect(nudgesTo('U0ALICE')).toHaveLength(2);
    expect(nudgesTo('U0ERIN')).toHaveLength(0);
    await h.command('next');
    await h.advance(MIN, 30_000);
    expect(nudgesTo('U0CAROL')).toHaveLength(3);
    expect(h.thread().some((m) => allText(m).includes('Phase 2 of 4'))).toBe(true);
    // The host hears of it once, however many nudges she misses, and nothing says the channel is gone.
    const toHost = h.slack.messages('DU0ALICE').map((m) => m.text);
    expect(toHost.filter((t) => t.includes('<@U0ERIN>'))).toHaveLength(1);
    expect(toHost.some((t) => /stopped|no longer available/.test(t))).toBe(false);
    expect(h.logs.filter((l) => l.msg === 'could not reach a person privately')).toHaveLength(1);
    await h.command('end');
    await h.tick();
    expect(h.thread().some((m) => allText(m).includes('Summary'))).toBe(true);
  });

  /**
   * Slack asks us to slow down at Carol's first nudge: Alice has hers, Carol and Erin wait. Meanwhile Alice hands the
   * session to `newHost`, and the nudge is finished a minute later.
   */
  async function handOverMidNudge(newHost: string): Promise<void> {
    h.slack.fail('chat.postEphemeral', { status: 429, retryAfter: 30 }, 1, (p) => p.user === 'U0CAROL');
    await h.command('start Design a rate limiter --candidate <@U0BOB> --interviewer <@U0CAROL> <@U0ERIN> --level staff');
    expect(nudgesTo('U0ALICE')).toHaveLength(1);
    expect(nudgesTo('U0CAROL')).toHaveLength(0);
    await h.command(`host <@${newHost}>`);
    await h.advance(MIN, 5_000);
  }

  it('a nudge caught half-sent by a hand-over still reaches each of the panel once', async () => {
    h = await createHarness({ standIn });
    // Erin was already interviewing: the panel is the same people, so nobody gets it twice.
    await handOverMidNudge('U0ERIN');
    expect(['U0ALICE', 'U0CAROL', 'U0ERIN'].map((user) => nudgesTo(user).length)).toEqual([1, 1, 1]);
  });

  it('a nudge caught half-sent by a hand-over to someone new goes to the rest of the panel it began with, each once', async () => {
    h = await createHarness({
      standIn: { ...standIn, users: [...USERS, { id: 'U0AARON', name: 'aaron' }], channels: [{ id: 'C0GENERAL', name: 'general', members: ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0AARON'], botIsMember: true }] },
    });
    // Aaron was not on the panel. The panel the nudge began with (Alice, Carol, Erin) gets it, each once; Aaron,
    // host from now on, gets the nudges that begin after.
    await handOverMidNudge('U0AARON');
    expect(['U0ALICE', 'U0CAROL', 'U0ERIN', 'U0AARON'].map((user) => nudgesTo(user).length)).toEqual([1, 1, 1, 0]);
    await h.command('next', { user: 'U0AARON' });
    await h.advance(MIN, 5_000);
    expect(['U0ALICE', 'U0CAROL', 'U0ERIN', 'U0AARON'].map((user) => nudgesTo(user).length)).toEqual([2, 2, 2, 1]);
  });

  it('moves with next: the half-way nudge of a phase left early is not sent', async () => {
    h = await createHarness({ standIn });
    await h.command('start Design a rate limiter --candidate <@U0BOB> --interviewer <@U0CAROL>');
    await h.advance(MIN, MIN);
    await h.command('next');
    await h.advance(3 * MIN, 30_000);
    expect(nudgesTo('U0CAROL').map((n) => n.text)).toEqual([
      'For interviewers: Requirements &amp; scope begins',
      'For interviewers: High-level design begins',
    ]);
  });

  it('moves with next while the half-way nudge is being sent: who has not had it yet does not get it during the next phase', async () => {
    h = await createHarness({ standIn });
    await h.command('start Design a rate limiter --candidate <@U0BOB> --interviewer <@U0CAROL> <@U0ERIN> --level staff');
    await h.advance(2 * MIN, 30_000);
    // The half-way nudge falls due at 2.5 min and goes person by person: Alice, then Carol, whose message Slack holds
    // for a moment, then Erin. `next` comes while Carol's is on its way.
    h.slack.fail('chat.postEphemeral', { delayMs: 400 }, 1, (p) => p.user === 'U0CAROL');
    const moving = h.advance(30_000, 30_000);
    const step = () => h.db.prepare("SELECT state, progress FROM steps WHERE step_key = 'nudge:mid:0'").get() as { state: string; progress: number };
    await until("Alice's half-way nudge recorded, Carol's on its way", () => step().progress === 1);
    await h.command('next');
    await moving;
    await h.tick();
    const halfWay = (user: string) => nudgesTo(user).filter((n) => n.text.includes('half-way through Requirements'));
    // The one on its way when the phase was left still arrives; the one not yet sent never does.
    expect(['U0ALICE', 'U0CAROL', 'U0ERIN'].map((user) => halfWay(user).length)).toEqual([1, 1, 0]);
    expect(step().state).toBe('cancelled');
    expect(nudgesTo('U0ERIN').map((n) => n.text)).toEqual(['For interviewers: Requirements &amp; scope begins', 'For interviewers: High-level design begins']);
    // Said as what it is: not as a step another instance took over.
    expect(h.logs.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(h.logs.filter((l) => l.msg === 'stopped posting a step cancelled meanwhile')).toHaveLength(1);
  });

  it('sends none in a group session without a candidate or level', async () => {
    h = await createHarness({ standIn });
    await h.command('start Design a rate limiter --interviewer <@U0CAROL>');
    await h.advance(5 * MIN, MIN);
    expect(nudgesTo('U0CAROL')).toHaveLength(0);
  });
});

describe('notes for the interviewers only', () => {
  const standIn = {
    users: [
      { id: 'U0ALICE', name: 'alice' },
      { id: 'U0BOB', name: 'bob' },
      { id: 'U0CAROL', name: 'carol' },
      { id: 'U0DAVE', name: 'dave' },
      { id: 'U0ERIN', name: 'erin' },
    ],
    // Erin observes from outside the channel: what is private reaches her as a DM.
    channels: [{ id: 'C0GENERAL', name: 'general', members: ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'], botIsMember: true }],
  };
  async function openNoteForm(user: string) {
    const actions = (h.root()?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] };
    await h.click('mockdesign_add_note', actions.elements[0]?.value ?? '', { user });
    return h.slack.openViews(user).at(-1);
  }
  async function submit(user: string, text: string, visibility: 'everyone' | 'interviewers' | undefined) {
    const view = await openNoteForm(user);
    if (!view) throw new Error('no note form');
    const values: Record<string, Record<string, unknown>> = {
      note_text_block: { note_text: { type: 'plain_text_input', value: text } },
      note_phase_block: { note_phase: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'p' }, value: '0' } } },
      note_kind_block: { note_kind: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'k' }, value: 'feedback' } } },
      ...(visibility ? { note_visibility_block: { note_visibility: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'v' }, value: visibility } } } } : {}),
    };
    const response = await h.submitView({ id: view.id, callback_id: view.callback_id, private_metadata: view.private_metadata }, values, { user });
    return { view, response: response as { response_action?: string; errors?: Record<string, string> } | undefined };
  }

  it('counts them in the status of the panel, never in the candidate\'s', async () => {
    h = await createHarness({ standIn });
    await h.command('start Design a chat app --candidate <@U0BOB> --interviewer <@U0CAROL> --observer <@U0DAVE>');
    await submit('U0CAROL', 'Jumped to Kafka before any requirement', 'interviewers');
    await submit('U0BOB', 'Messages are ordered per conversation', 'everyone');
    const status = async (user: string) => ((await h.command('status', { user })) as { text: string }).text;
    for (const user of ['U0ALICE', 'U0CAROL', 'U0DAVE']) expect(await status(user), user).toContain('1 note so far (and 1 kept for the interviewers).');
    expect(await status('U0BOB')).toContain('1 note so far.');
    expect(await status('U0BOB')).not.toContain('interviewers');
  });

  it('offers the choice to the panel only, keeps such notes out of the thread, and sends them to the whole panel at the end', async () => {
    h = await createHarness({ standIn });
    await h.command('start Design a chat app --candidate <@U0BOB> --interviewer <@U0CAROL> --observer <@U0DAVE> <@U0ERIN>');
    const candidateForm = await openNoteForm('U0BOB');
    expect(JSON.stringify(candidateForm?.blocks)).not.toContain('note_visibility');

    const { view } = await submit('U0CAROL', 'Jumped to <!channel> Kafka before any requirement', 'interviewers');
    // Its own input block, last in the form, with "everyone" chosen until the interviewer picks otherwise.
    expect(view.blocks.at(-1)).toMatchObject({ type: 'input', block_id: 'note_visibility_block', element: { type: 'radio_buttons', initial_option: { value: 'everyone' } } });
    await submit('U0BOB', 'Messages are ordered per conversation', 'everyone');
    // A candidate cannot slip a private note in by forging the form.
    const forged = await submit('U0BOB', 'secret', 'interviewers');
    expect(forged.response?.errors?.note_text_block).toContain('Only the host, the interviewers and the observers');
    // An observer is on the panel: the form offers the choice, and the note is kept for the panel.
    const observer = await submit('U0DAVE', 'Never sized the fan-out', 'interviewers');
    expect(observer.view.blocks.at(-1)).toMatchObject({ block_id: 'note_visibility_block' });
    expect(h.db.prepare('SELECT author_id, visibility FROM notes ORDER BY id').all()).toEqual([
      { author_id: 'U0CAROL', visibility: 'interviewers' },
      { author_id: 'U0BOB', visibility: 'everyone' },
      { author_id: 'U0DAVE', visibility: 'interviewers' },
    ]);
    await h.advance(3000, 1000); // the session message is refreshed a moment after a note
    expect(allText(h.root() ?? {})).toContain('1 note');

    await h.command('end');
    await h.tick();
    const thread = h.thread().map((m) => allText(m)).join('\n');
    expect(thread).toContain('Messages are ordered per conversation');
    expect(thread).not.toContain('Kafka');
    expect(thread).not.toContain('fan-out');
    // The whole panel gets the private summary: host, interviewer and observer in the thread, the observer outside
    // the channel by DM; the candidate does not.
    const privateSummaries = h.slack.ephemerals().filter((e) => e.text.includes('private notes from'));
    expect(privateSummaries.map((e) => e.user).sort()).toEqual(['U0ALICE', 'U0CAROL', 'U0DAVE']);
    const byDm = h.slack.allMessages().filter((m) => m.channel === 'DU0ERIN' && m.text.includes('private notes from'));
    expect(byDm).toHaveLength(1);
    for (const body of [...privateSummaries, ...byDm].map((m) => allText(m))) {
      expect(body).toContain('Jumped to &lt;!channel&gt; Kafka');
      expect(body).toContain('Never sized the fan-out');
    }
    // Nothing the candidate can read holds a private note.
    const candidateSees = [
      ...h.slack.allMessages().filter((m) => m.channel === 'C0GENERAL' || m.channel === 'DU0BOB'),
      ...h.slack.ephemerals().filter((e) => e.user === 'U0BOB'),
    ];
    expect(candidateSees.some((m) => /Kafka|fan-out|private notes/.test(allText(m)))).toBe(false);
  });

  it('sends a long private summary in several messages, every one of them to each member of the panel', async () => {
    h = await createHarness({ standIn });
    await h.command('start Design a chat app --candidate <@U0BOB> --interviewer <@U0CAROL> --observer <@U0DAVE> <@U0ERIN>');
    for (let i = 1; i <= 5; i++) await submit('U0CAROL', `private-${i} ${'y'.repeat(2980)}`, 'interviewers');
    expect(h.db.prepare("SELECT count(*) FROM notes WHERE visibility = 'interviewers'").pluck().get()).toBe(5);

    await h.command('end');
    await h.tick();
    await h.advance(10_000, 1000);
    const isPrivateSummary = (m: { text: string }) => m.text.includes('private notes from');
    const received = new Map<string, { text: string; blocks?: unknown[] }[]>();
    for (const e of h.slack.ephemerals().filter(isPrivateSummary)) received.set(e.user, [...(received.get(e.user) ?? []), e]);
    received.set('U0ERIN', h.slack.allMessages().filter((m) => m.channel === 'DU0ERIN' && isPrivateSummary(m)));
    expect([...received.keys()].sort()).toEqual(['U0ALICE', 'U0CAROL', 'U0DAVE', 'U0ERIN']);
    for (const messages of received.values()) {
      expect(messages.length).toBeGreaterThan(1);
      for (const m of messages) expect(JSON.stringify(m.blocks).length).toBeLessThanOrEqual(LIMITS.messageBlockChars);
      const all = messages.map((m) => allText(m)).join('\n');
      for (let i = 1; i <= 5; i++) expect(all).toContain(`private-${i} `);
    }
  });
});

describe('editing and deleting one’s own notes', () => {
  type Block = { type: string; elements?: { action_id: string; value: string }[] };
  const noteButtons = (ack: unknown, action: string) =>
    ((ack as { blocks: Block[] }).blocks ?? []).flatMap((b) => b.elements ?? []).filter((e) => e.action_id === action);

  it('lists your notes with Edit and Delete; only the author may change one, and only until the summary', async () => {
    h = await createHarness();
    await h.command('start Design X');
    await h.command('note Reads outnumber writes 100:1');
    await h.command('note Teh cache sits in front', { user: GUEST });
    await h.command('note Shard by user id');

    const mine = await h.command('notes');
    expect(allText(mine as { text: string })).toContain('Your notes in *Design X* (2)');
    expect(allText(mine as { text: string })).not.toContain('Teh cache');
    const deletes = noteButtons(mine, 'mockdesign_delete_note');
    expect(deletes).toHaveLength(2);

    // Delete the newest (listed first): gone from every view, and the count on the session message follows.
    await h.click('mockdesign_delete_note', deletes[0]?.value ?? '');
    expect(h.db.prepare('SELECT body FROM notes WHERE deleted_at IS NULL ORDER BY id').pluck().all()).toEqual(['Reads outnumber writes 100:1', 'Teh cache sits in front']);
    // The list is redrawn saying what was done, with the note left.
    const redrawn = h.slack.calls.filter((c) => c.method === 'response_url').at(-1)?.params;
    expect(String(redrawn?.text)).toContain('🗑️ Note deleted. Your notes in Design X');
    expect(JSON.stringify(redrawn?.blocks)).toContain('Reads outnumber writes 100:1');
    expect(JSON.stringify(redrawn?.blocks)).not.toContain('Shard by user id');

    // Someone else's note cannot be deleted by forging its button.
    const guestNotes = await h.command('notes', { user: GUEST });
    const guestDelete = noteButtons(guestNotes, 'mockdesign_delete_note')[0]?.value ?? '';
    await h.click('mockdesign_delete_note', guestDelete, { user: HOST });
    expect(h.db.prepare('SELECT count(*) FROM notes WHERE deleted_at IS NULL').pluck().get()).toBe(2);

    // Edit opens the form prefilled; the submission changes the note in place.
    const edit = noteButtons(guestNotes, 'mockdesign_edit_note')[0]?.value ?? '';
    await h.click('mockdesign_edit_note', edit, { user: GUEST });
    const form = h.slack.openViews(GUEST).at(-1);
    expect(form?.title).toMatchObject({ text: 'Edit your note' });
    expect(JSON.stringify(form?.blocks)).toContain('Teh cache sits in front');
    await h.submitNote({ id: form?.id ?? '', private_metadata: form?.private_metadata ?? '' }, { text: 'The cache sits in front', phase: '0', kind: 'component' }, { user: GUEST });
    expect(h.db.prepare("SELECT body, kind FROM notes WHERE author_id = 'U0BOB'").get()).toEqual({ body: 'The cache sits in front', kind: 'component' });
    // Said with the notes as they now are: the list the Edit came from cannot be redrawn from a form.
    const updated = h.slack.ephemerals().filter((e) => e.user === GUEST).at(-1);
    expect(updated?.text).toContain('✏️ Note updated. Your notes in Design X');
    expect(allText(updated ?? {})).toContain('The cache sits in front');
    expect(allText(updated ?? {})).not.toContain('Teh cache');

    await h.command('end');
    await h.tick();
    const summary = h.thread().map((m) => allText(m)).find((t) => t.includes('Summary')) ?? '';
    expect(summary).toContain('The cache sits in front');
    expect(summary).not.toContain('Shard by user id');
    // After the summary, notes stay as they are.
    await h.click('mockdesign_edit_note', edit, { user: GUEST });
    expect(h.slack.calls.filter((c) => c.method === 'response_url').at(-1)?.params.text).toContain('summary is out');
  });

  it('tells the author once when Slack does not open the edit form, and leaves the note as it was', async () => {
    h = await createHarness();
    await h.command('start Design X');
    await h.command('note Reads outnumber writes 100:1');
    const edit = noteButtons(await h.command('notes'), 'mockdesign_edit_note')[0]?.value ?? '';
    h.slack.fail('views.open', { error: 'expired_trigger_id' });
    const before = h.slack.calls.filter((c) => c.method === 'response_url').length;
    await h.click('mockdesign_edit_note', edit);
    const told = h.slack.calls.filter((c) => c.method === 'response_url').slice(before);
    expect(told).toHaveLength(1);
    expect(told[0]?.params.text).toContain('did not open');
    expect(h.db.prepare('SELECT body FROM notes').pluck().all()).toEqual(['Reads outnumber writes 100:1']);
  });

  it('logs it once when the reply saying the edit form did not open fails too', async () => {
    h = await createHarness();
    for (const typed of ['start Design X', 'note Shard by user id']) await h.command(typed);
    const [edit] = noteButtons(await h.command('notes'), 'mockdesign_edit_note');
    h.slack.fail('views.open', { status: 503 });
    h.slack.fail('response_url', { status: 503 });
    await h.click('mockdesign_edit_note', edit?.value ?? '');
    const warned = h.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warned).toEqual(['could not open the note form', 'could not answer privately']);
  });

  it('logs it once when a refusal or the redrawn list does not reach the author, instead of dropping it', async () => {
    h = await createHarness();
    for (const typed of ['start Design X', 'note Shard by user id']) await h.command(typed);
    await h.command('note Cache in front', { user: GUEST });
    const [del] = noteButtons(await h.command('notes'), 'mockdesign_delete_note');
    const [guestEdit] = noteButtons(await h.command('notes', { user: GUEST }), 'mockdesign_edit_note');
    const warnings = () => h.logs.filter((l) => l.level === 'warn').map((l) => [l.msg, l.session === undefined, l.channel]);
    const clicks: [string, string | undefined, string][] = [
      ['mockdesign_delete_note', del?.value, HOST], // the list is redrawn without the note
      ['mockdesign_delete_note', del?.value, HOST], // refused: the note is gone
      ['mockdesign_edit_note', guestEdit?.value, HOST], // refused: someone else's note
    ];
    for (const [action, value, user] of clicks) {
      h.slack.fail('response_url', { status: 503 });
      await h.click(action, value ?? '', { user });
    }
    expect(warnings()).toEqual(clicks.map(() => ['could not answer privately', false, CHANNEL]));
    expect(h.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('lists the newest notes that fit in one message and says how many more there are', async () => {
    h = await createHarness();
    await h.command('start Design X');
    for (let i = 1; i <= 15; i++) await h.command(`note ${i} ${'&amp;'.repeat(600)}`);

    const mine = (await h.command('notes')) as { text: string; blocks: unknown[] };
    expect(checkMessageBlocks(mine.blocks)).toBeUndefined();
    expect(JSON.stringify(mine.blocks).length).toBeLessThanOrEqual(LIMITS.messageBlockChars);
    const shown = noteButtons(mine, 'mockdesign_delete_note').length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(15);
    const text = allText(mine);
    expect(text).toContain('Your notes in *Design X* (15)');
    expect(text).toContain('*Requirements &amp; scope* · _Requirement_\n15 &amp;');
    expect(text).toContain(`The ${15 - shown} older ones are not shown here.`);
  });
});

describe('the live clock', () => {
  const updates = () => h.slack.calls.filter((c) => c.method === 'chat.update' && c.ok).length;
  const clockLine = () => /([▰▱]{10}) (\d+ min left)/.exec(allText(h.root() ?? {}))?.slice(1, 3);

  it('redraws a live interview’s message as the minutes left change, and not while paused', async () => {
    h = await createHarness();
    await h.command(`start Design X --candidate <@${CANDIDATE}>`);
    expect(clockLine()).toEqual(['▱▱▱▱▱▱▱▱▱▱', '5 min left']);
    const atStart = updates();
    await h.advance(MIN, 10_000);
    expect(clockLine()).toEqual(['▰▰▱▱▱▱▱▱▱▱', '4 min left']);
    await h.advance(2 * MIN, 10_000);
    expect(clockLine()).toEqual(['▰▰▰▰▰▰▱▱▱▱', '2 min left']);
    // Ticks every ten seconds for three minutes, nothing else changing: one redraw a minute, no more.
    expect(updates() - atStart).toBe(3);
    await h.command('pause');
    await h.tick();
    const before = updates();
    await h.advance(10 * MIN, 10_000);
    expect(updates()).toBe(before);
    await h.command('resume');
    await h.advance(MIN, 10_000);
    expect(clockLine()?.[1]).toBe('1 min left');
  });

  it('leaves a group session’s message to its changes and phases', async () => {
    h = await createHarness();
    await h.command('start Design X');
    await h.advance(3 * MIN, 10_000);
    expect(updates()).toBe(0);
  });
});
