/** Live interviews through the real Bolt router: roles and level, prompts from the bank, extending a phase, handing over. */
import { afterEach, describe, expect, it } from 'vitest';
import { PROMPTS } from '../../src/domain/prompts.ts';
import { allText, CHANNEL, createHarness, GUEST, HOST, type Harness } from '../support/harness.ts';

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
    expect(buttons().map((b) => b.action_id)).toEqual(['mockdesign_add_note', 'mockdesign_next_phase', 'mockdesign_extend', 'mockdesign_pause', 'mockdesign_end_session']);
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
    expect(summary).toContain('*Requirements &amp; scope*: planned 10 min, actual');
    expect(summary).toContain('of which paused 3 min');
  });
});

describe('the start form', () => {
  async function submitStart(values: Record<string, unknown>, privateMetadata: string, user = HOST) {
    const result = await h.receiver.send({
      type: 'view_submission',
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      user: { id: user, username: 'u', name: 'u', team_id: 'T0SANDBOX' },
      api_app_id: 'A0SANDBOX',
      token: 'verification',
      trigger_id: h.slack.issueTriggerId(user),
      view: {
        id: 'V0START',
        team_id: 'T0SANDBOX',
        type: 'modal',
        callback_id: 'mockdesign_start_modal',
        private_metadata: privateMetadata,
        hash: 'h',
        blocks: [],
        state: { values },
        title: { type: 'plain_text', text: 'Start a mock interview' },
        root_view_id: 'V0START',
        previous_view_id: null,
        app_id: 'A0SANDBOX',
        bot_id: 'B0BOT',
      },
      response_urls: [],
    });
    await h.md.dispatcher.drain();
    await h.tick();
    return result.response as { response_action?: string; errors?: Record<string, string> } | undefined;
  }
  const select = (value: string) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } });
  const text = (value: string | null) => ({ type: 'plain_text_input', value });

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
    expect(h.slack.ephemerals().at(-1)?.text).toContain('Starting');

    // A second start from the form while one runs: refused on the form, nothing replaced.
    const busy = await submitStart({ start_topic: { start_topic: text('Another') }, start_plan: { start_plan: select('standard') } }, meta);
    expect(busy?.errors?.start_topic).toContain('already running');
  });
});
