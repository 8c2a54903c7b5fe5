/**
 * History through the real Bolt router: `/mockdesign history` (the channel's recent sessions with the notes of
 * each phase, ephemeral, this workspace's only, escaped, within Block Kit's limits) and the App Home tab (live and
 * recent sessions, the person's notes, and their scores over time once their interviews are scored and ended).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSession } from '../../src/app/sessions.ts';
import { DEFAULT_PLAN } from '../../src/domain/plan.ts';
import { RUBRIC, type DimensionKey } from '../../src/domain/scorecard.ts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS, SCORE_IDS } from '../../src/slack/ids.ts';
import { LIMITS } from '../../src/slack/limits.ts';
import { checkMessageBlocks, checkView } from '../../sandbox/stand-in/block-kit-limits.ts';
import { allText, CHANNEL, createHarness, GUEST, type Harness, HOST, TEAM } from '../support/harness.ts';

const CANDIDATE = GUEST;
const INTERVIEWER = 'U0CAROL';
const MIN = 60_000;

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  // Every view and message was accepted as Slack would accept it, Block Kit limits included.
  expect(h.slack.calls.filter((c) => !c.ok).map((c) => `${c.method}: ${c.error}`)).toEqual([]);
  await h.close();
});

interface Reply {
  response_type: string;
  text: string;
  blocks: unknown[];
}

/** `/mockdesign history` as `user`; its answer is checked against Slack's limits for a message. */
async function history(opts: { user?: string; channel?: string; team?: string } = {}): Promise<Reply> {
  const reply = (await h.command('history', opts)) as Reply;
  expect(reply.response_type).toBe('ephemeral');
  expect(checkMessageBlocks(reply.blocks)).toBeUndefined();
  expect(JSON.stringify(reply.blocks).length).toBeLessThanOrEqual(LIMITS.messageBlockChars);
  return reply;
}

async function openHome(user: string): Promise<string> {
  await h.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: String(h.clock.now() / 1000) });
  const view = h.slack.homeView(user);
  expect(view).toBeDefined();
  expect(checkView(view, 'home')).toBeUndefined();
  expect((view?.blocks as unknown[]).length).toBeLessThanOrEqual(LIMITS.modalBlocks);
  return allText(view ?? {});
}

/** Ends the channel's session and posts its summary. */
async function end(channel = CHANNEL): Promise<void> {
  await h.command('end', { channel });
  await h.tick();
}

describe('/mockdesign history', () => {
  it('says so when the channel has had no session', async () => {
    const reply = await history();
    expect(reply.text).toContain('No sessions in this channel yet');
  });

  it('lists the channel\'s sessions newest first, with link, time, state, host and the notes of each phase', async () => {
    await h.command('start Design a URL shortener');
    await h.tick();
    await h.command('note Reads outnumber writes 100:1');
    await h.command('note 10M new URLs a day', { user: GUEST });
    await h.command('note Who are the users?', { user: GUEST });
    await h.command('next');
    await h.command('note --kind api POST /urls', { user: INTERVIEWER });
    await end();
    h.clock.set(h.clock.now() + 60 * MIN);
    // Typed brackets arrive as entities; the topic keeps them as plain characters.
    await h.command('start Design &lt;!channel&gt; &amp; *chat* &lt;https://evil.example|click&gt;', { user: GUEST });
    await h.tick();
    await h.command('note Fan-out on write', { user: GUEST });

    const reply = await history({ user: INTERVIEWER });
    const [, newest, oldest] = reply.blocks.map((b) => allText({ blocks: [b] }));
    const stored = await h.store.sessions.channelHistory({ teamId: TEAM, enterpriseId: '' }, CHANNEL);
    expect(stored.map((e) => e.session.topic)).toEqual(['Design <!channel> & *chat* <https://evil.example|click>', 'Design a URL shortener']);

    // The newest: live, hosted by the guest, its hostile topic escaped.
    expect(newest).toContain('Design &lt;!channel&gt; &amp; *chat* &lt;https://evil.example|click&gt;');
    expect(newest).toContain('▶️ live, phase 1 of 4');
    expect(newest).toContain(`host <@${GUEST}>`);
    expect(newest).toContain('📝 1 note by 1 person');
    expect(reply.blocks.map((b) => JSON.stringify(b)).join('')).not.toMatch(/<!channel>|<https:\/\/evil/);

    // The oldest: ended, linked to its session message, notes counted per phase.
    const permalink = stored[1]?.session.permalink;
    expect(permalink).toBeTruthy();
    expect(oldest).toContain(`*<${permalink}|Design a URL shortener>*`);
    expect(oldest).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    expect(oldest).toContain('🏁 ended');
    expect(oldest).toContain(`host <@${HOST}>`);
    expect(oldest).toContain('📝 4 notes by 3 people');
    expect(oldest).toContain('Requirements &amp; scope: 3 notes by 2 people · High-level design: 1 note by 1 person · Deep dive: – · Wrap-up: –');

    // Only the asker sees it: nothing was posted in the channel for it.
    const posted = h.slack.messages(CHANNEL).filter((m) => allText(m).includes('Recent sessions'));
    expect(posted).toEqual([]);
  });

  it('never lists a session of another workspace, even in a channel with the same id', async () => {
    await h.command('start Ours');
    await end();
    const other = await startSession(
      { store: h.store, newId: () => 'sess_other' },
      { teamId: 'T0OTHER', enterpriseId: '', channelId: CHANNEL, hostId: 'U0ZED', topic: 'Not ours', plan: DEFAULT_PLAN, interviewers: [] },
      h.clock.now(),
    );
    expect(other.kind).toBe('started');
    const ours = allText(await history());
    expect(ours).toContain('Ours');
    expect(ours).not.toContain('Not ours');
  });

  it('stays within one message\'s limits however long the topics, saying what it left out', async () => {
    const topic = (i: number) => `${'<&>'.repeat(60)} ${i}`.slice(0, 200);
    for (let i = 0; i < 12; i++) {
      h.clock.set(h.clock.now() + MIN);
      const started = await startSession(
        { store: h.store, newId: () => `sess_${i}` },
        { teamId: TEAM, enterpriseId: '', channelId: CHANNEL, hostId: HOST, topic: topic(i), plan: DEFAULT_PLAN, interviewers: [] },
        h.clock.now(),
      );
      if (started.kind !== 'started') throw new Error('not started');
      for (let p = 0; p < 4; p++) {
        await h.store.sessions.addNote({ sessionId: `sess_${i}`, phaseIndex: p, kind: 'requirement', authorId: GUEST, text: 'n', createdAt: h.clock.now(), dedupeKey: null });
      }
      if (i < 11) await h.store.sessions.end(`sess_${i}`, h.clock.now(), null);
    }
    const reply = await history();
    const text = allText(reply);
    expect(text).not.toMatch(/<&>/);
    const listed = reply.blocks.filter((b) => JSON.stringify(b).includes('📝')).length;
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThanOrEqual(10);
    if (listed < 10) expect(text).toContain(`${10 - listed} older session`);
  });
});

// Scorecards are submitted as the form sends them: the Score button on the session message opens it.
type View = { id: string; private_metadata: string };

/** The newest session message in the channel: an ended session's keeps no buttons. */
function newestRoot(channel = CHANNEL) {
  return h.slack
    .messages(channel)
    .filter((m) => m.metadata?.event_type === 'mockdesign_step' && !m.thread_ts)
    .at(-1);
}

function scoreButtonValue(): string {
  const row = (newestRoot()?.blocks ?? []).find((b) => (b as { block_id?: string }).block_id === BLOCK_IDS.scoring) as
    | { elements: { action_id: string; value: string }[] }
    | undefined;
  const button = row?.elements.find((e) => e.action_id === ACTION_IDS.score);
  if (!button) throw new Error('no Score button on the session message');
  return button.value;
}

async function score(user: string, scores: Partial<Record<DimensionKey, string>>): Promise<void> {
  await h.click(ACTION_IDS.score, scoreButtonValue(), { user, messageTs: newestRoot()?.ts ?? '' });
  const view = h.slack.openViews(user).at(-1) as View | undefined;
  if (!view) throw new Error(`no scorecard opened for ${user}`);
  const values: Record<string, Record<string, unknown>> = {};
  for (const d of RUBRIC) {
    const value = scores[d.key];
    values[SCORE_IDS.scoreBlock(d.key)] = {
      [SCORE_IDS.scoreAction(d.key)]: { type: 'static_select', selected_option: value ? { text: { type: 'plain_text', text: value }, value } : null },
    };
    values[SCORE_IDS.evidenceBlock(d.key)] = { [SCORE_IDS.evidenceAction(d.key)]: { type: 'plain_text_input', value: null } };
  }
  values[BLOCK_IDS.scoreRedFlags] = { [ACTION_IDS.scoreRedFlags]: { type: 'checkboxes', selected_options: [] } };
  values[BLOCK_IDS.scoreRecommendation] = { [ACTION_IDS.scoreRecommendation]: { type: 'radio_buttons', selected_option: null } };
  values[BLOCK_IDS.scoreStrengths] = { [ACTION_IDS.scoreStrengths]: { type: 'plain_text_input', value: null } };
  values[BLOCK_IDS.scoreImprovements] = { [ACTION_IDS.scoreImprovements]: { type: 'plain_text_input', value: null } };
  const response = await h.submitView({ id: view.id, callback_id: CALLBACK_IDS.scorecardModal, private_metadata: view.private_metadata, title: 'Scorecard' }, values, { user });
  expect(response).toBeUndefined();
}

describe('App Home', () => {
  it('shows live and recent sessions and the person\'s own notes, escaped, from their workspace only', async () => {
    await h.command('start Design a URL shortener');
    await h.tick();
    await h.command('note Cache hot keys &lt;!here&gt; &amp; shard by id', { user: GUEST });
    await end();
    await h.command('start Design a chat app');
    await h.tick();
    await startSession(
      { store: h.store, newId: () => 'sess_other' },
      { teamId: 'T0OTHER', enterpriseId: '', channelId: 'C0ELSEWHERE', hostId: GUEST, topic: 'Not ours', plan: DEFAULT_PLAN, interviewers: [] },
      h.clock.now(),
    );

    // alice's recurring study group is coming up; bob's own list has none.
    await h.command('schedule "every tue 18:00" --tz Europe/Berlin --async');
    const host = await openHome(HOST);
    expect(host).toContain('*Coming up*');
    expect(host).toContain('every Tuesday at 18:00 (Europe/Berlin) in <#C0GENERAL> · study group');
    const [live, rest] = host.split('*Your recent sessions*');
    expect(live).toContain('Design a chat app');
    expect(live).toContain('you host');
    expect(rest).toContain('Design a URL shortener');
    expect(rest).toContain('*Your notes*');
    expect(rest).toContain('None yet. Notes you add');
    // The method is still there, closing the page.
    expect(host).toContain('*The method*');
    expect(host).not.toContain('Your scores over time');

    const guest = await openHome(GUEST);
    expect(guest).not.toContain('*Coming up*');
    expect(guest).toContain('Design a URL shortener');
    expect(guest).toContain('you took part');
    expect(guest).toContain('Cache hot keys &lt;!here&gt; &amp; shard by id');
    expect(guest).toContain('*Requirement* · Requirements &amp; scope');
    expect(guest).not.toContain('<!here>');
    expect(guest).not.toContain('Not ours');
  });

  it('charts the candidate\'s scores per dimension over their ended interviews, oldest to newest, never before the end', async () => {
    const interview = `--candidate <@${CANDIDATE}> --interviewer <@${INTERVIEWER}> --level senior`;
    await h.command(`start Design a news feed ${interview}`);
    await h.tick();
    await score(HOST, { requirements: '2', estimation: '1' });
    await score(INTERVIEWER, { requirements: '3', estimation: '2' });
    await score(CANDIDATE, { requirements: '4' });
    // The panel's cards are revealed to the panel, but the session is live: the candidate sees no chart yet.
    const before = await openHome(CANDIDATE);
    expect(before).not.toContain('Your scores over time');
    expect(before).toContain('you are the candidate');
    await end();

    h.clock.set(h.clock.now() + 24 * 60 * MIN);
    await h.command(`start Design a rate limiter ${interview}`);
    await h.tick();
    await score(HOST, { requirements: '4', deep_dive: '3' });
    await score(INTERVIEWER, { requirements: '3', deep_dive: '3' });
    await end();

    const home = await openHome(CANDIDATE);
    expect(home).toContain('*Your scores over time*');
    expect(home).toContain('1. Design a news feed');
    expect(home).toContain('2. Design a rate limiter');
    // Requirements: medians 2.5 then 3.5, the first with the candidate's own 4 beside it.
    expect(home).toContain('*Requirements and scope*\n▰▰▰▱ 2.5 (you 4)  →  ▰▰▰▰ 3.5');
    expect(home).toContain('*Estimation*\n▰▰▱▱ 1.5  →  ▱▱▱▱ –');
    expect(home).toContain('*Deep dive and trade-offs*\n▱▱▱▱ –  →  ▰▰▰▱ 3.0');
    // Dimensions nobody scored are left out.
    expect(home).not.toContain('*Time management*');
    expect(home).toContain('*Your recent sessions*');
    expect(home).toContain('*The method*');

    // The panel has no chart of its own from these: they were not the candidate.
    expect(await openHome(INTERVIEWER)).not.toContain('Your scores over time');
  });
});
