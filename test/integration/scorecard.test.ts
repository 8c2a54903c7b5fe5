/**
 * The scorecard of a live interview through the real Bolt router: who may score, the form and its inline errors,
 * the blind reveal and who is told of it, editing until the reveal, the candidate's self-assessment, and that
 * nothing the candidate can see holds a panel score before the session ends.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scorecardView, submitScorecard } from '../../src/app/scorecards.ts';
import { startSession } from '../../src/app/sessions.ts';
import { DEFAULT_PLAN } from '../../src/domain/plan.ts';
import { RUBRIC, SCORECARD_LIMITS, type DimensionKey } from '../../src/domain/scorecard.ts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS, SCORE_IDS } from '../../src/slack/ids.ts';
import { CLEAR_VALUE } from '../../src/slack/views/scorecard-modal.ts';
import { DEFAULT_USERS } from '../../sandbox/stand-in/workspace.ts';
import { allText, CHANNEL, createHarness, type Harness, HOST, TEAM } from '../support/harness.ts';

const CANDIDATE = 'U0BOB';
const INTERVIEWER = 'U0CAROL';
const OBSERVER = 'U0DAVE';
/** An observer who is not a member of the channel: told by direct message. */
const OUTSIDER = 'U0FRED';
/** In the channel, but neither on the panel nor the candidate. */
const STRANGER = 'U0ERIN';
/** A second channel with the same members, for a session of its own. */
const ROOM = 'C0ROOM';

/** Words only the panel's cards contain: none of them may reach the candidate before the session ends. */
const PANEL_MARKERS = ['host-evidence-kappa', 'carol-evidence-sigma', 'dave-evidence-omega', 'host-strength-zeta', 'median'];

let h: Harness;
/** A refusal a test arranged on purpose, besides the ephemeral to the observer outside the channel. */
let arranged: (call: { method: string; error?: string; params: Record<string, unknown> }) => boolean;
beforeEach(async () => {
  arranged = () => false;
  h = await createHarness({
    standIn: {
      users: [...DEFAULT_USERS, { id: STRANGER, name: 'erin' }, { id: OUTSIDER, name: 'fred' }],
      channels: [CHANNEL, ROOM].map((id) => ({ id, name: id === CHANNEL ? 'general' : 'room', members: [...DEFAULT_USERS.map((u) => u.id), STRANGER], botIsMember: true })),
    },
  });
  await h.command(
    `start Design a news feed --candidate <@${CANDIDATE}> --interviewer <@${INTERVIEWER}> --observer <@${OBSERVER}> <@${OUTSIDER}> --level senior`,
  );
});
afterEach(async () => {
  // Every form, view and message was accepted as Slack would (Block Kit limits included); the only refusal
  // expected is the ephemeral to the observer outside the channel, who gets a direct message instead.
  const refused = h.slack.calls.filter((c) => !c.ok && !(c.method === 'chat.postEphemeral' && c.error === 'user_not_in_channel') && !arranged(c));
  expect(refused.map((c) => `${c.method}: ${c.error}`)).toEqual([]);
  await h.close();
});

type View = { id: string; private_metadata: string; callback_id: string; blocks: unknown[]; title?: { text: string }; submit?: unknown };

interface CardFields {
  scores?: Partial<Record<DimensionKey, string | null>>;
  evidence?: Partial<Record<DimensionKey, string>>;
  redFlags?: string[];
  recommendation?: string;
  strengths?: string;
  improvements?: string;
}

function scoreButton(channel = CHANNEL): { action_id: string; value: string } {
  const row = (h.root(channel)?.blocks ?? []).find((b) => (b as { block_id?: string }).block_id === BLOCK_IDS.scoring) as
    | { elements: { action_id: string; value: string }[] }
    | undefined;
  const button = row?.elements.find((e) => e.action_id === ACTION_IDS.score);
  if (!button) throw new Error('no Score button on the session message');
  return button;
}

/** Clicks Score as `user`; returns the modal it opened, if any. */
async function clickScore(user: string, channel = CHANNEL): Promise<View | undefined> {
  const before = h.slack.openViews(user).at(-1)?.id;
  await h.click(ACTION_IDS.score, scoreButton(channel).value, { user, channel });
  const view = h.slack.openViews(user).at(-1) as View | undefined;
  return view && view.id !== before ? view : undefined;
}

async function openForm(user: string, channel = CHANNEL): Promise<View> {
  const view = await clickScore(user, channel);
  if (!view) throw new Error(`no form opened for ${user}`);
  expect(view.callback_id).toBe(CALLBACK_IDS.scorecardModal);
  return view;
}

/** A view_submission of the scorecard form, as Slack sends it. */
async function submitCard(view: Pick<View, 'id' | 'private_metadata'>, fields: CardFields, user: string, team = TEAM): Promise<unknown> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const d of RUBRIC) {
    const score = fields.scores?.[d.key];
    values[SCORE_IDS.scoreBlock(d.key)] = {
      [SCORE_IDS.scoreAction(d.key)]: { type: 'static_select', selected_option: score ? { text: { type: 'plain_text', text: score }, value: score } : null },
    };
    values[SCORE_IDS.evidenceBlock(d.key)] = { [SCORE_IDS.evidenceAction(d.key)]: { type: 'plain_text_input', value: fields.evidence?.[d.key] ?? null } };
  }
  values[BLOCK_IDS.scoreRedFlags] = {
    [ACTION_IDS.scoreRedFlags]: { type: 'checkboxes', selected_options: (fields.redFlags ?? []).map((v) => ({ text: { type: 'plain_text', text: v }, value: v })) },
  };
  values[BLOCK_IDS.scoreRecommendation] = {
    [ACTION_IDS.scoreRecommendation]: {
      type: 'radio_buttons',
      selected_option: fields.recommendation ? { text: { type: 'plain_text', text: fields.recommendation }, value: fields.recommendation } : null,
    },
  };
  values[BLOCK_IDS.scoreStrengths] = { [ACTION_IDS.scoreStrengths]: { type: 'plain_text_input', value: fields.strengths ?? null } };
  values[BLOCK_IDS.scoreImprovements] = { [ACTION_IDS.scoreImprovements]: { type: 'plain_text_input', value: fields.improvements ?? null } };
  return h.submitView({ id: view.id, callback_id: CALLBACK_IDS.scorecardModal, private_metadata: view.private_metadata, title: 'Scorecard' }, values, { user, team });
}

const HOST_CARD: CardFields = {
  scores: { requirements: '3', estimation: '2', high_level: '4', deep_dive: '3' },
  evidence: { requirements: 'host-evidence-kappa: asked about read/write ratio' },
  redFlags: ['no_numbers'],
  recommendation: 'almost',
  strengths: 'host-strength-zeta: clean API <!channel>',
  improvements: 'Estimate before designing',
};
const CAROL_CARD: CardFields = {
  scores: { requirements: '4', estimation: '1', high_level: '3', communication: '3' },
  evidence: { estimation: 'carol-evidence-sigma: never sized storage' },
  redFlags: ['no_numbers', 'jumped_to_solution'],
  recommendation: 'ready',
  strengths: 'Good structure',
};
const DAVE_CARD: CardFields = { scores: { requirements: '2', communication: '4' }, evidence: { communication: 'dave-evidence-omega' }, recommendation: 'almost' };
const SELF_CARD: CardFields = { scores: { requirements: '4', estimation: '4', communication: '2' }, strengths: 'My API was tidy', improvements: 'Talk more' };

const cards = () =>
  h.db.prepare('SELECT scorer_id, role, body, submitted_at, updated_at FROM scorecards ORDER BY submitted_at, scorer_id').all() as {
    scorer_id: string;
    role: string;
    body: string;
    submitted_at: number;
    updated_at: number;
  }[];
const ephemeralsTo = (user: string) => h.slack.ephemerals().filter((e) => e.user === user);
/** The confirmations of a person's own card (other features send interviewers ephemerals too). */
const confirmationsTo = (user: string) => ephemeralsTo(user).filter((e) => /^✅ Your (scorecard|self-assessment)/.test(e.text));
/** The private notices that the cards are revealed. */
const revealNotices = () => h.slack.ephemerals().filter((e) => e.text.startsWith('The scorecards of'));
const dmsTo = (user: string) => h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === user);

/** Everything the candidate can see: the channel and its thread, their ephemerals, their DMs and the views opened for them. */
function visibleToCandidate(): string {
  return [
    ...h.slack.messages(CHANNEL).map((m) => allText(m)),
    ...h.thread().map((m) => allText(m)),
    ...ephemeralsTo(CANDIDATE).map((e) => allText(e)),
    ...dmsTo(CANDIDATE).map((c) => JSON.stringify(c.params)),
    ...h.slack.openViews(CANDIDATE).map((v) => JSON.stringify(v)),
  ].join('\n');
}

function expectNoPanelScoreForCandidate(): void {
  const seen = visibleToCandidate();
  for (const marker of PANEL_MARKERS) expect(seen, marker).not.toContain(marker);
}

describe('the Score button', () => {
  it('is on a live interview\'s session message, in a row of its own', () => {
    const rows = (h.root()?.blocks ?? []).filter((b) => (b as { type: string }).type === 'actions') as { block_id: string; elements: unknown[] }[];
    expect(rows.map((r) => [r.block_id, r.elements.length])).toEqual([
      [BLOCK_IDS.controls, 5],
      [BLOCK_IDS.scoring, 1],
    ]);
  });

  it('opens the scorecard at once for an interviewer, the host and an observer', async () => {
    for (const user of [INTERVIEWER, HOST, OBSERVER]) {
      const view = await openForm(user);
      expect(view.title?.text).toBe('Scorecard');
      const ids = (view.blocks as { block_id?: string }[]).map((b) => b.block_id);
      expect(ids).toContain(BLOCK_IDS.scoreRedFlags);
      expect(ids).toContain(BLOCK_IDS.scoreRecommendation);
      for (const d of RUBRIC) expect(ids).toContain(SCORE_IDS.scoreBlock(d.key));
    }
    expect(h.slack.calls.filter((c) => c.method === 'views.open').every((c) => c.ok)).toBe(true);
  });

  it('opens a self-assessment for the candidate: the same rubric, no red flags or recommendation', async () => {
    const view = await openForm(CANDIDATE);
    expect(view.title?.text).toBe('Self-assessment');
    const ids = (view.blocks as { block_id?: string }[]).map((b) => b.block_id);
    for (const d of RUBRIC) expect(ids).toContain(SCORE_IDS.scoreBlock(d.key));
    expect(ids).not.toContain(BLOCK_IDS.scoreRedFlags);
    expect(ids).not.toContain(BLOCK_IDS.scoreRecommendation);
  });

  it('tells anyone else, kindly and only them, that there is no card for them', async () => {
    expect(await clickScore(STRANGER)).toBeUndefined();
    expect(h.slack.calls.some((c) => c.method === 'views.open')).toBe(false);
    const told = ephemeralsTo(STRANGER);
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain('Scorecards are for the panel');
  });

  it('is on every nudge, so an interviewer outside the channel, nudged by direct message, can score from there', async () => {
    await h.command(`start Design a chat app --candidate <@${CANDIDATE}> --interviewer <@${OUTSIDER}> --level mid`, { channel: ROOM });
    await h.tick();
    const nudge = dmsTo(OUTSIDER).find((c) => String(c.params.text).startsWith('For interviewers'));
    const row = (nudge?.params.blocks as { block_id?: string; elements?: { action_id: string; value: string }[] }[] | undefined)?.find((b) => b.block_id === BLOCK_IDS.scoring);
    const button = row?.elements?.find((e) => e.action_id === ACTION_IDS.score);
    expect(button?.value).toBeDefined();
    await h.click(ACTION_IDS.score, button?.value ?? '', { user: OUTSIDER, channel: `D${OUTSIDER}` });
    const form = h.slack.openViews(OUTSIDER).at(-1) as View | undefined;
    expect(form?.callback_id).toBe(CALLBACK_IDS.scorecardModal);
    await submitCard(form as View, CAROL_CARD, OUTSIDER);
    expect(cards().filter((c) => c.scorer_id === OUTSIDER).map((c) => c.role)).toEqual(['interviewer']);
  });

  it('opens nothing for a session of another workspace', async () => {
    await h.click(ACTION_IDS.score, scoreButton().value, { user: INTERVIEWER, team: 'T0OTHER' });
    expect(h.slack.calls.some((c) => c.method === 'views.open')).toBe(false);
  });
});

describe('submitting a card', () => {
  it('stores the interviewer\'s card, typed and trimmed, and confirms privately', async () => {
    const view = await openForm(INTERVIEWER);
    expect(await submitCard(view, { ...CAROL_CARD, strengths: '  Good structure  ' }, INTERVIEWER)).toBeUndefined();
    const [row] = cards();
    expect(row).toMatchObject({ scorer_id: INTERVIEWER, role: 'interviewer', submitted_at: h.clock.now(), updated_at: h.clock.now() });
    expect(JSON.parse(row?.body ?? '{}')).toEqual({
      scores: {
        requirements: { score: 4 },
        estimation: { score: 1, evidence: 'carol-evidence-sigma: never sized storage' },
        high_level: { score: 3 },
        communication: { score: 3 },
      },
      redFlags: ['jumped_to_solution', 'no_numbers'],
      recommendation: 'ready',
      strengths: 'Good structure',
      improvements: '',
    });
    const told = confirmationsTo(INTERVIEWER);
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain('Your scorecard for *Design a news feed* is saved (4 of 8 dimensions scored)');
    // Carol is the one named interviewer: her card is the one the reveal waited for.
    expect(told[0]?.text).toContain('With it every interviewer has scored: the cards are revealed to the panel');
  });

  it('stores the host\'s card as an interviewer\'s, an observer\'s as an observer\'s, and the candidate\'s as a self-assessment without flags', async () => {
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    await submitCard(await openForm(OBSERVER), DAVE_CARD, OBSERVER);
    // A forged submission with red flags and a recommendation: a self-assessment keeps neither.
    await submitCard(await openForm(CANDIDATE), { ...SELF_CARD, redFlags: ['defensive'], recommendation: 'strongly_ready' }, CANDIDATE);
    expect(Object.fromEntries(cards().map((c) => [c.scorer_id, c.role]))).toEqual({ [HOST]: 'interviewer', [OBSERVER]: 'observer', [CANDIDATE]: 'candidate' });
    const self = JSON.parse(cards().find((c) => c.scorer_id === CANDIDATE)?.body ?? '{}') as { redFlags: string[]; recommendation?: string; strengths: string };
    expect(self.redFlags).toEqual([]);
    expect(self.recommendation).toBeUndefined();
    expect(self.strengths).toBe('My API was tidy');
    expect(confirmationsTo(CANDIDATE).at(-1)?.text).toContain('Your self-assessment for *Design a news feed* is saved');
    // None of these is a named interviewer's: the cards stay hidden.
    expect(confirmationsTo(HOST).at(-1)?.text).toContain('Cards stay hidden until every interviewer has scored');
    expect(confirmationsTo(OBSERVER).at(-1)?.text).toContain('Cards stay hidden until every interviewer has scored');
  });

  it('refuses a stranger\'s forged submission inline and stores nothing', async () => {
    const view = await openForm(INTERVIEWER);
    const ack = await submitCard(view, CAROL_CARD, STRANGER);
    expect(ack).toEqual({ response_action: 'errors', errors: { [SCORE_IDS.scoreBlock('requirements')]: expect.stringContaining('Only the panel') } });
    expect(cards()).toEqual([]);
  });

  it('refuses a submission that claims a session of another workspace', async () => {
    const view = await openForm(INTERVIEWER);
    expect(await submitCard(view, CAROL_CARD, INTERVIEWER, 'T0OTHER')).toMatchObject({ response_action: 'errors' });
    expect(cards()).toEqual([]);
  });

  it('gives inline errors on the fields at fault, and stores nothing', async () => {
    const view = await openForm(INTERVIEWER);
    expect(await submitCard(view, {}, INTERVIEWER)).toEqual({
      response_action: 'errors',
      errors: { [SCORE_IDS.scoreBlock('requirements')]: 'Score at least one dimension.' },
    });
    const ack = await submitCard(
      view,
      {
        scores: { requirements: '3', estimation: '9' },
        evidence: { deep_dive: 'evidence without a score', requirements: 'x'.repeat(SCORECARD_LIMITS.evidence + 1) },
        redFlags: ['rude'],
        recommendation: 'hire',
        strengths: 's'.repeat(SCORECARD_LIMITS.strengths + 1),
        improvements: 'fine',
      },
      INTERVIEWER,
    );
    expect(ack).toEqual({
      response_action: 'errors',
      errors: {
        [SCORE_IDS.scoreBlock('estimation')]: expect.stringContaining('whole number from 1'),
        [SCORE_IDS.scoreBlock('deep_dive')]: 'Pick a score to go with this evidence.',
        [SCORE_IDS.evidenceBlock('requirements')]: expect.stringContaining(`Keep the evidence to ${SCORECARD_LIMITS.evidence} characters`),
        [BLOCK_IDS.scoreRedFlags]: 'There is no red flag called rude.',
        [BLOCK_IDS.scoreRecommendation]: expect.stringContaining('Choose one of'),
        [BLOCK_IDS.scoreStrengths]: expect.stringContaining(`Keep strengths to ${SCORECARD_LIMITS.strengths} characters`),
      },
    });
    expect(cards()).toEqual([]);
    expect(confirmationsTo(INTERVIEWER)).toEqual([]);
  });
});

describe('blind until the reveal', () => {
  it('lets a scorer clear a score or a recommendation already picked, which Slack cannot unpick', async () => {
    type Element = { options?: { value: string }[]; initial_option?: { value: string } };
    const elementOf = (view: View, blockId: string) => (view.blocks as { block_id?: string; element?: Element }[]).find((b) => b.block_id === blockId)?.element;
    const values = (view: View, blockId: string) => elementOf(view, blockId)?.options?.map((o) => o.value);
    // A field never answered offers no clearing option: unpicked is already "not scored".
    const empty = await openForm(HOST);
    expect(values(empty, SCORE_IDS.scoreBlock('high_level'))).toEqual(['1', '2', '3', '4']);
    expect(values(empty, BLOCK_IDS.scoreRecommendation)).toEqual(['not_yet', 'almost', 'ready', 'strongly_ready']);
    await submitCard(empty, HOST_CARD, HOST);

    const filled = await openForm(HOST);
    expect(values(filled, SCORE_IDS.scoreBlock('high_level'))).toEqual(['1', '2', '3', '4', CLEAR_VALUE]);
    expect(values(filled, SCORE_IDS.scoreBlock('communication'))).toEqual(['1', '2', '3', '4']);
    expect(values(filled, BLOCK_IDS.scoreRecommendation)).toEqual(['not_yet', 'almost', 'ready', 'strongly_ready', CLEAR_VALUE]);
    expect(await submitCard(filled, { ...HOST_CARD, scores: { ...HOST_CARD.scores, high_level: CLEAR_VALUE }, recommendation: CLEAR_VALUE }, HOST)).toBeUndefined();
    const body = JSON.parse(cards().find((c) => c.scorer_id === HOST)?.body ?? '{}') as { scores: Record<string, unknown>; recommendation?: string };
    expect(Object.keys(body.scores).sort()).toEqual(['deep_dive', 'estimation', 'requirements']);
    expect(body.recommendation).toBeUndefined();
    const again = await openForm(HOST);
    expect(elementOf(again, SCORE_IDS.scoreBlock('high_level'))?.initial_option).toBeUndefined();
    expect(elementOf(again, BLOCK_IDS.scoreRecommendation)?.initial_option).toBeUndefined();

    // Clearing every score leaves nothing scored: refused on the form, the card kept as it was.
    const none = Object.fromEntries(RUBRIC.map((d) => [d.key, CLEAR_VALUE]));
    expect(await submitCard(again, { scores: none }, HOST)).toMatchObject({ response_action: 'errors' });
    expect(Object.keys((JSON.parse(cards().find((c) => c.scorer_id === HOST)?.body ?? '{}') as { scores: object }).scores)).toHaveLength(3);
  });

  it('shows each scorer only their own card, and lets them change it, until every interviewer has scored', async () => {
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    await submitCard(await openForm(OBSERVER), DAVE_CARD, OBSERVER);
    await submitCard(await openForm(CANDIDATE), SELF_CARD, CANDIDATE);

    // Carol's form is empty: nothing of the host's, the observer's or the candidate's card is in it.
    const carolForm = await openForm(INTERVIEWER);
    const carolText = JSON.stringify(carolForm);
    for (const marker of ['host-evidence-kappa', 'host-strength-zeta', 'dave-evidence-omega', 'My API was tidy']) expect(carolText).not.toContain(marker);
    expect(carolText).not.toContain('initial_option');

    // The host's own form opens filled in with the host's card, and only that.
    const hostForm = await openForm(HOST);
    const hostText = JSON.stringify(hostForm);
    expect(hostText).toContain('host-evidence-kappa');
    expect(hostText).not.toContain('dave-evidence-omega');
    expect(hostText).not.toContain('My API was tidy');
    const blocks = hostForm.blocks as { block_id?: string; element?: { initial_option?: { value: string }; initial_options?: { value: string }[] } }[];
    expect(blocks.find((b) => b.block_id === SCORE_IDS.scoreBlock('high_level'))?.element?.initial_option?.value).toBe('4');
    expect(blocks.find((b) => b.block_id === BLOCK_IDS.scoreRedFlags)?.element?.initial_options?.map((o) => o.value)).toEqual(['no_numbers']);
    expect(blocks.find((b) => b.block_id === BLOCK_IDS.scoreRecommendation)?.element?.initial_option?.value).toBe('almost');

    // An edit before the reveal is taken, and keeps the first submission time.
    const firstAt = cards().find((c) => c.scorer_id === HOST)?.submitted_at;
    h.clock.set(h.clock.now() + 60_000);
    expect(await submitCard(hostForm, { ...HOST_CARD, recommendation: 'not_yet' }, HOST)).toBeUndefined();
    const host = cards().find((c) => c.scorer_id === HOST);
    expect(host).toMatchObject({ submitted_at: firstAt, updated_at: h.clock.now() });
    expect((JSON.parse(host?.body ?? '{}') as { recommendation: string }).recommendation).toBe('not_yet');
    expect(confirmationsTo(HOST).at(-1)?.text).toContain('is updated');

    // Nobody's confirmation holds anyone else's words, and nothing was revealed.
    for (const [user, others] of [
      [HOST, ['dave-evidence-omega', 'My API was tidy']],
      [OBSERVER, ['host-evidence-kappa', 'host-strength-zeta', 'My API was tidy']],
      [CANDIDATE, ['host-evidence-kappa', 'dave-evidence-omega']],
    ] as const) {
      const text = ephemeralsTo(user).map((e) => allText(e)).join('\n');
      for (const marker of others) expect(text, `${user} ${marker}`).not.toContain(marker);
      expect(text).not.toContain('revealed to the panel');
    }
    expectNoPanelScoreForCandidate();
  });

  it('reveals the cards when the last named interviewer scores: the panel is told privately, never the candidate', async () => {
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    await submitCard(await openForm(OBSERVER), DAVE_CARD, OBSERVER);
    await submitCard(await openForm(CANDIDATE), SELF_CARD, CANDIDATE);
    const notices = revealNotices;
    expect(notices()).toEqual([]);

    await submitCard(await openForm(INTERVIEWER), CAROL_CARD, INTERVIEWER);
    // Host, interviewer and observer in the channel; the observer outside it by direct message.
    expect(notices().map((e) => e.user).sort()).toEqual([HOST, INTERVIEWER, OBSERVER].sort());
    const dm = dmsTo(OUTSIDER);
    expect(dm).toHaveLength(1);
    expect(JSON.stringify(dm[0]?.params)).toContain('revealed to the panel');
    const notice = allText(notices()[0] ?? {});
    // Requirements: host 3, Carol 4, Dave 2 → median 3, spread 2; no_numbers raised twice.
    expect(notice).toContain('*Requirements and scope*: median 3 (solid), spread 2');
    expect(notice).toContain('*Estimation*: median 1.5 (between missing and weak), spread 1');
    expect(notice).toContain('No numbers ×2');
    expect(notice).toContain('Almost there 2 · Ready 1');
    expect(confirmationsTo(INTERVIEWER).at(-1)?.text).toContain('the cards are revealed to the panel');
    expect(notices().some((e) => e.user === CANDIDATE)).toBe(false);
    expect(dmsTo(CANDIDATE)).toEqual([]);
    expectNoPanelScoreForCandidate();

    // A scorer's Score now shows every card, read-only.
    const view = await clickScore(OBSERVER);
    expect(view?.callback_id).toBe(CALLBACK_IDS.scorecardsView);
    expect(view?.submit).toBeUndefined();
    const text = allText(view ?? {});
    for (const marker of ['host-evidence-kappa', 'carol-evidence-sigma', 'dave-evidence-omega', 'My API was tidy']) expect(text).toContain(marker);
    // What a scorer typed is escaped where it is shown.
    expect(text).toContain('clean API &lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    // The observer outside the channel sees no session message: the Score on the reveal's DM shows the cards.
    const row = (dm[0]?.params.blocks as { block_id?: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.block_id === BLOCK_IDS.scoring);
    await h.click(ACTION_IDS.score, row?.elements?.[0]?.value ?? '', { user: OUTSIDER, channel: `D${OUTSIDER}` });
    expect(h.slack.openViews(OUTSIDER).at(-1)?.callback_id).toBe(CALLBACK_IDS.scorecardsView);
  });

  it('with no interviewer named, says it is the host\'s card that reveals them, not every interviewer\'s', async () => {
    await h.command(`start Design a chat app --candidate <@${CANDIDATE}> --observer <@${OBSERVER}> --level mid`, { channel: ROOM });
    // To the observer, it is the host's card; to the host, their own.
    expect(allText(await openForm(OBSERVER, ROOM))).toContain('until the host has scored or the session ends');
    const form = await openForm(HOST, ROOM);
    expect(allText(form)).toContain('until you have scored or the session ends');
    await submitCard(form, HOST_CARD, HOST);
    expect(confirmationsTo(HOST).at(-1)?.text).toContain('No interviewer is named, so yours is the card the reveal waited for: the cards are revealed to the panel');
    const told = revealNotices().filter((e) => e.user === OBSERVER).at(-1);
    expect(allText(told ?? {})).toContain('🔓 The host has scored *Design a chat app*');
    expect(allText((await clickScore(OBSERVER, ROOM)) ?? {})).toContain('The host has scored: the cards are revealed to the panel');
    expect([allText(form), allText(told ?? {})].join('\n')).not.toContain('every interviewer');
  });

  it('does not wait for the host, who is not a named interviewer: the interviewer\'s card alone reveals them', async () => {
    const hostForm = await openForm(HOST);
    await submitCard(await openForm(OBSERVER), DAVE_CARD, OBSERVER);
    expect(revealNotices()).toEqual([]);

    await submitCard(await openForm(INTERVIEWER), CAROL_CARD, INTERVIEWER);
    // The whole panel is told, the host too, though the host never scored.
    expect(revealNotices().map((e) => e.user).sort()).toEqual([HOST, INTERVIEWER, OBSERVER].sort());
    expect(dmsTo(OUTSIDER)).toHaveLength(1);
    expect(confirmationsTo(INTERVIEWER).at(-1)?.text).toContain('the cards are revealed to the panel');
    expectNoPanelScoreForCandidate();

    // The host's card comes too late: it would no longer be blind.
    const ack = await submitCard(hostForm, HOST_CARD, HOST);
    expect(ack).toEqual({ response_action: 'errors', errors: { [SCORE_IDS.scoreBlock('requirements')]: expect.stringContaining('revealed while you were scoring') } });
    expect(cards().map((c) => c.scorer_id).sort()).toEqual([INTERVIEWER, OBSERVER].sort());
    // The host's Score shows the cards read-only.
    const view = await clickScore(HOST);
    expect(view?.callback_id).toBe(CALLBACK_IDS.scorecardsView);
    expect(allText(view ?? {})).toContain('carol-evidence-sigma');
  });

  it('refuses an edit after the reveal, and stores nothing', async () => {
    const hostForm = await openForm(HOST);
    await submitCard(hostForm, HOST_CARD, HOST);
    await submitCard(await openForm(INTERVIEWER), CAROL_CARD, INTERVIEWER);
    const before = cards();
    const ack = await submitCard(hostForm, { ...HOST_CARD, recommendation: 'strongly_ready' }, HOST);
    expect(ack).toEqual({ response_action: 'errors', errors: { [SCORE_IDS.scoreBlock('requirements')]: expect.stringContaining('can no longer change') } });
    // An observer who had not scored cannot start now either.
    expect(await submitCard(hostForm, DAVE_CARD, OBSERVER)).toMatchObject({ response_action: 'errors' });
    expect(cards()).toEqual(before);
  });

  it('keeps the candidate blind after the panel\'s reveal, and lets them self-assess until the session ends', async () => {
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    await submitCard(await openForm(INTERVIEWER), CAROL_CARD, INTERVIEWER);
    // The panel's cards are revealed; the candidate's Score still opens their own form, empty.
    const form = await openForm(CANDIDATE);
    expect(form.title?.text).toBe('Self-assessment');
    expect(await submitCard(form, SELF_CARD, CANDIDATE)).toBeUndefined();
    const again = await openForm(CANDIDATE);
    expect(JSON.stringify(again)).toContain('My API was tidy');
    expectNoPanelScoreForCandidate();

    await h.command('end');
    await h.tick();
    // Once the session ended, an edit is refused and Score shows the cards read-only.
    expect(await submitCard(again, { ...SELF_CARD, improvements: 'too late' }, CANDIDATE)).toEqual({
      response_action: 'errors',
      errors: { [SCORE_IDS.scoreBlock('requirements')]: 'The session has ended, so your self-assessment can no longer be added or changed.' },
    });
  });

  it('reveals everything when the session ends, even if an interviewer never scored', async () => {
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    // Score as it was before the end (the ended message has no buttons).
    const value = scoreButton().value;
    await h.command('end');
    await h.tick();
    await h.click(ACTION_IDS.score, value, { user: CANDIDATE });
    const view = h.slack.openViews(CANDIDATE).at(-1) as View | undefined;
    expect(view?.callback_id).toBe(CALLBACK_IDS.scorecardsView);
    expect(allText(view ?? {})).toContain('host-evidence-kappa');
    expect(allText(view ?? {})).toContain('The session has ended');
    // No one was told of a reveal by a submission: the summary carries it.
    expect(revealNotices()).toEqual([]);
  });
});

describe('notes kept for the interviewers', () => {
  const PRIVATE = 'private-note-theta: froze when asked about hot keys';

  /** The note form from the session message's Add note, saved as `user` for the interviewers only. */
  async function keepPrivateNote(user: string, text: string): Promise<void> {
    const controls = (h.root()?.blocks ?? []).find((b) => (b as { block_id?: string }).block_id === BLOCK_IDS.controls) as { elements: { action_id: string; value: string }[] };
    await h.click(ACTION_IDS.addNote, controls.elements.find((e) => e.action_id === ACTION_IDS.addNote)?.value ?? '', { user });
    const form = h.slack.openViews(user).at(-1) as View;
    const option = (value: string) => ({ text: { type: 'plain_text', text: value }, value });
    const ack = await h.submitView({ id: form.id, callback_id: form.callback_id, private_metadata: form.private_metadata }, {
      [BLOCK_IDS.noteText]: { [ACTION_IDS.noteText]: { type: 'plain_text_input', value: text } },
      [BLOCK_IDS.notePhase]: { [ACTION_IDS.notePhase]: { type: 'static_select', selected_option: option('0') } },
      [BLOCK_IDS.noteKind]: { [ACTION_IDS.noteKind]: { type: 'static_select', selected_option: option('feedback') } },
      [BLOCK_IDS.noteVisibility]: { [ACTION_IDS.noteVisibility]: { type: 'radio_buttons', selected_option: option('interviewers') } },
    }, { user });
    expect(ack).toBeUndefined();
  }

  it('are in the panel\'s scorecard, to score from, and never in the candidate\'s', async () => {
    await keepPrivateNote(INTERVIEWER, PRIVATE);
    for (const user of [HOST, INTERVIEWER, OBSERVER]) expect(allText(await openForm(user)), user).toContain(PRIVATE);
    const self = await openForm(CANDIDATE);
    expect(JSON.stringify(self)).not.toContain('private-note-theta');

    // Revealed: the read-only view of the panel holds them too; the candidate's, at the end, does not.
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    await submitCard(await openForm(INTERVIEWER), CAROL_CARD, INTERVIEWER);
    const revealed = await clickScore(OBSERVER);
    expect(revealed?.callback_id).toBe(CALLBACK_IDS.scorecardsView);
    expect(allText(revealed ?? {})).toContain(PRIVATE);
    // Score as it was before the end (the ended message has no buttons).
    const value = scoreButton().value;
    await h.command('end');
    await h.tick();
    await h.click(ACTION_IDS.score, value, { user: CANDIDATE });
    const candidateView = h.slack.openViews(CANDIDATE).at(-1);
    expect(candidateView?.callback_id).toBe(CALLBACK_IDS.scorecardsView);
    expect(visibleToCandidate()).not.toContain('private-note-theta');
  });
});

describe('what the candidate can see', () => {
  it('holds no panel score anywhere before the session ends, whatever happens on the panel', async () => {
    await submitCard(await openForm(CANDIDATE), SELF_CARD, CANDIDATE);
    expectNoPanelScoreForCandidate();
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    expectNoPanelScoreForCandidate();
    await submitCard(await openForm(OBSERVER), DAVE_CARD, OBSERVER);
    await h.advance(6 * 60_000, 60_000);
    expectNoPanelScoreForCandidate();
    await submitCard(await openForm(INTERVIEWER), CAROL_CARD, INTERVIEWER);
    await h.advance(60_000, 60_000);
    expectNoPanelScoreForCandidate();
    await openForm(CANDIDATE);
    expectNoPanelScoreForCandidate();
    // The session message, refreshed along the way, never shows a score either.
    expect(allText(h.root() ?? {})).not.toMatch(/median|host-evidence/);
  });
});

describe('the summary', () => {
  it('posts the scorecard at the end: per dimension with the self-assessment beside, flags, recommendations and feedback', async () => {
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    await submitCard(await openForm(OBSERVER), DAVE_CARD, OBSERVER);
    await submitCard(await openForm(CANDIDATE), SELF_CARD, CANDIDATE);
    await submitCard(await openForm(INTERVIEWER), CAROL_CARD, INTERVIEWER);
    expect(h.thread().some((m) => m.text.startsWith('Summary'))).toBe(false);
    await h.command('end');
    await h.tick();
    const summary = h
      .thread()
      .filter((m) => m.text.startsWith('Summary'))
      .map((m) => allText(m))
      .join('\n');
    expect(summary).toContain(`*Scorecard* · 3 panel cards: <@${HOST}>, <@${INTERVIEWER}>, <@${OBSERVER}> · self-assessment by <@${CANDIDATE}>`);
    expect(summary).toContain('• *Requirements and scope*: median 3 (solid), spread 2 · self 4 (strong)');
    expect(summary).toContain('• *Time management*: not scored · self not scored');
    expect(summary).toContain('*Red flags:* No numbers ×2, Jumped to a solution ×1');
    expect(summary).toContain('*Recommendation:* Not yet 0 · Almost there 2 · Ready 1 · Strongly ready 0');
    expect(summary).toContain(`• <@${HOST}> · host-strength-zeta: clean API &lt;!channel&gt;`);
    expect(summary).toContain(`*In <@${CANDIDATE}>'s own words*`);
    expect(summary).toContain(`*Feedback for <@${CANDIDATE}>*`);
    expect(summary).toContain('To work on: Estimation (panel median 1.5, between missing and weak).');
    expect(summary).toContain('You gave yourself 4 (strong) on Estimation, the panel 1.5');
    expect(summary).not.toContain('<!channel>');
  });
});

describe('a scorecard kept private', () => {
  const start = (options: string) =>
    h.command(`start Design a chat app --candidate <@${CANDIDATE}> --interviewer <@${INTERVIEWER}> --observer <@${OBSERVER}> <@${OUTSIDER}> ${options}`, { channel: ROOM });
  const privately = (user: string, opening: string) => [
    ...ephemeralsTo(user).filter((e) => e.text.startsWith(opening)).map((e) => allText(e)),
    ...dmsTo(user).filter((c) => String(c.params.text).startsWith(opening)).map((c) => JSON.stringify(c.params.blocks)),
  ];

  it('says so from the start, keeps the scores out of the thread, and gives them to the candidate and to each of the panel', async () => {
    await start('--private-scores');
    expect(allText(h.root(ROOM) ?? {})).toContain('🔒 Scores private');
    await submitCard(await openForm(HOST, ROOM), HOST_CARD, HOST);
    // Nobody is told the scores will be in the summary: the candidate's form and confirmation, and the panel's reveal.
    const selfForm = await openForm(CANDIDATE, ROOM);
    expect(allText(selfForm)).toContain('Then you get it beside their scores, privately.');
    await submitCard(selfForm, SELF_CARD, CANDIDATE);
    expect(confirmationsTo(CANDIDATE).at(-1)?.text).toContain("then you get it beside the panel's scores, privately.");
    await submitCard(await openForm(INTERVIEWER, ROOM), CAROL_CARD, INTERVIEWER);
    const reveal = revealNotices().filter((e) => e.user === HOST).at(-1);
    expect(reveal?.blocks ? allText(reveal) : '').toContain('The candidate gets the scores privately once the session ends; they stay out of the thread.');
    const view = await clickScore(INTERVIEWER, ROOM);
    expect(allText(view ?? {})).toContain('The candidate gets the scores privately once the session ends');
    for (const seen of [allText(selfForm), allText(reveal ?? {}), allText(view ?? {})]) expect(seen).not.toContain('in the summary');
    await h.command('end', { channel: ROOM });
    await h.tick();

    const summary = h.thread(ROOM).filter((m) => m.text.startsWith('Summary')).map((m) => allText(m)).join('\n');
    expect(summary).toContain('*Scorecard:* kept private. The candidate and the panel each got it privately.');
    for (const marker of ['median', 'host-strength-zeta', 'Red flags', 'Feedback for', 'My API was tidy']) expect(summary, marker).not.toContain(marker);

    // The candidate: the scorecard addressed to them, once, and no evidence (it stays on the cards, as ever).
    const mine = privately(CANDIDATE, 'Your scorecard from');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('• *Requirements and scope*: median 3.5 (between solid and strong), spread 1 · self 4 (strong)');
    expect(mine[0]).toContain('*Feedback for you*');
    expect(mine[0]).toContain('*In your own words*');
    expect(mine[0]).toContain('• What you would do differently: Talk more');
    expect(mine[0]).not.toContain('host-evidence-kappa');
    expect(mine[0]).not.toContain('<!channel>');
    // Each of the panel, observers too: in the thread, or by DM for the observer outside the channel. Nobody else.
    for (const user of [HOST, INTERVIEWER, OBSERVER, OUTSIDER]) {
      const theirs = privately(user, 'The scorecard of');
      expect(theirs, user).toHaveLength(1);
      expect(theirs[0], user).toContain('*Recommendation:* Not yet 0 · Almost there 1 · Ready 1 · Strongly ready 0');
    }
    expect(privately(STRANGER, 'The scorecard of')).toEqual([]);
    expect(privately(STRANGER, 'Your scorecard from')).toEqual([]);
    // The session in the other channel, scored in the open, is untouched by this one's choice.
    await submitCard(await openForm(HOST), HOST_CARD, HOST);
    await h.command('end');
    await h.tick();
    expect(h.thread().filter((m) => m.text.startsWith('Summary')).map((m) => allText(m)).join('\n')).toContain('*Red flags:* No numbers ×1');
  });

  it('skips a candidate Slack will not let the app reach privately, telling the host once; the panel get theirs', async () => {
    // Fred, outside the channel, is the candidate this time, and Slack refuses every direct message to him.
    arranged = (c) => c.method === 'chat.postMessage' && c.params.channel === OUTSIDER && c.error === 'channel_not_found';
    h.slack.fail('chat.postMessage', { error: 'channel_not_found' }, 1000, (p) => p.channel === OUTSIDER);
    await h.command(`start Design a chat app --candidate <@${OUTSIDER}> --interviewer <@${INTERVIEWER}> --private-scores`, { channel: ROOM });
    await submitCard(await openForm(INTERVIEWER, ROOM), CAROL_CARD, INTERVIEWER);
    await h.command('end', { channel: ROOM });
    await h.tick();
    expect(privately(INTERVIEWER, 'The scorecard of')).toHaveLength(1);
    expect(privately(HOST, 'The scorecard of')).toHaveLength(1);
    expect(h.db.prepare("SELECT state FROM steps WHERE step_key = 'summary' AND session_id = (SELECT id FROM sessions WHERE channel_id = ?)").get(ROOM)).toEqual({ state: 'done' });
    const toHost = h.slack.messages(`D${HOST}`).map((m) => m.text).filter((t) => t.includes(`<@${OUTSIDER}>`));
    expect(toHost).toHaveLength(1);
    expect(toHost[0]).toContain('a scorecard kept private');
  });

  it('with no cards in, says in the thread that none were submitted, and sends nobody anything', async () => {
    await start('--private-scores');
    await h.command('end', { channel: ROOM });
    await h.tick();
    expect(h.thread(ROOM).filter((m) => m.text.startsWith('Summary')).map((m) => allText(m)).join('\n')).toContain('*Scorecard:* no cards were submitted.');
    for (const user of [HOST, CANDIDATE]) expect([...privately(user, 'The scorecard of'), ...privately(user, 'Your scorecard from')], user).toEqual([]);
  });

  it('is refused for a session with no candidate, whose scores there would be nobody to keep for, and starts nothing', async () => {
    for (const typed of ['start Design a chat app --private-scores', 'start Design a chat app --level senior --private-scores']) {
      const answer = allText((await h.command(typed, { channel: ROOM })) as { text: string });
      expect(answer, typed).toContain("Private scores keep a candidate's scores between them and the panel: name the candidate as well");
    }
    expect(h.root(ROOM)).toBeUndefined();
    expect(h.db.prepare('SELECT count(*) AS n FROM sessions WHERE channel_id = ?').get(ROOM)).toEqual({ n: 0 });
  });
});

describe('dimensions not everyone scored, and even scores', () => {
  const summaryText = () =>
    h
      .thread()
      .filter((m) => m.text.startsWith('Summary'))
      .map((m) => allText(m))
      .join('\n');

  it('shows how many scored a dimension when some of the panel left it out, and no spread for a single score', async () => {
    await submitCard(await openForm(HOST), { scores: { requirements: '3', deep_dive: '3' } }, HOST);
    await submitCard(await openForm(INTERVIEWER), { scores: { requirements: '3', scalability_ops: '2' } }, INTERVIEWER);
    const notice = allText(revealNotices()[0] ?? {});
    expect(notice).toContain('• *Requirements and scope*: median 3 (solid), spread 0\n');
    expect(notice).toContain('• *Deep dive and trade-offs*: median 3 (solid), 1 of 2 scored\n');
    expect(notice).toContain('• *Scalability and operations*: median 2 (weak), 1 of 2 scored\n');
    expect(notice).not.toMatch(/trade-offs\*: [^\n]*spread/);

    await h.command('end');
    await h.tick();
    const summary = summaryText();
    expect(summary).toContain('• *Deep dive and trade-offs*: median 3 (solid), 1 of 2 scored');
    expect(summary).toContain('• *Scalability and operations*: median 2 (weak), 1 of 2 scored');
  });

  it('tells the candidate every area came out the same, rather than sorting equal scores into strengths and weaknesses', async () => {
    const allSolid: CardFields = { scores: Object.fromEntries(RUBRIC.map((d) => [d.key, '3'])) };
    await submitCard(await openForm(HOST), allSolid, HOST);
    await submitCard(await openForm(INTERVIEWER), allSolid, INTERVIEWER);
    await h.command('end');
    await h.tick();
    const feedback = summaryText().split(`*Feedback for <@${CANDIDATE}>*`)[1] ?? '';
    expect(feedback).toContain('Every area the panel scored came out solid (panel median 3).');
    expect(feedback).toContain('To reach strong, ');
    expect(feedback).not.toContain('What went well');
    expect(feedback).not.toContain('To work on');
  });
});

describe('the use cases on their own', () => {
  const WS = { teamId: TEAM, enterpriseId: '' };
  const input = { scores: { communication: { score: 3 } }, strengths: 'ok' };
  async function start(interviewers: string[]) {
    const started = await startSession(
      { store: h.store, newId: () => 'sess_solo' },
      { ...WS, channelId: 'C0SOLO', hostId: HOST, topic: 'Solo', plan: DEFAULT_PLAN, interviewers, candidateId: CANDIDATE, observers: [OBSERVER] },
      h.clock.now(),
    );
    if (started.kind !== 'started') throw new Error('not started');
    return started.session;
  }
  const submit = (userId: string) => submitScorecard({ store: h.store }, { sessionId: 'sess_solo', access: WS, userId, input }, h.clock.now());

  it('with no named interviewer, the host\'s card is the one the reveal waits for', async () => {
    await start([]);
    expect(await submit(OBSERVER)).toMatchObject({ ok: true, role: 'observer', revealed: null });
    expect(await submit(CANDIDATE)).toMatchObject({ ok: true, role: 'candidate', revealed: null });
    const last = await submit(HOST);
    expect(last).toMatchObject({ ok: true, role: 'interviewer', revealed: { panel: [HOST, OBSERVER] } });
    // The panel sees every card, the self-assessment included; the candidate still only their own.
    const panel = await scorecardView({ store: h.store }, { sessionId: 'sess_solo', access: WS, viewerId: OBSERVER });
    expect(panel).toMatchObject({ ok: true, revealed: true, canEdit: false });
    expect(panel.ok && panel.cards.map((c) => c.scorerId).sort()).toEqual([HOST, CANDIDATE, OBSERVER].sort());
    const candidate = await scorecardView({ store: h.store }, { sessionId: 'sess_solo', access: WS, viewerId: CANDIDATE });
    expect(candidate).toMatchObject({ ok: true, revealed: false, canEdit: true, aggregate: null });
    expect(candidate.ok && candidate.cards.map((c) => c.scorerId)).toEqual([CANDIDATE]);
  });

  it('waits for every named interviewer and not for the host, who still scores as an interviewer', async () => {
    await start([INTERVIEWER, OUTSIDER]);
    expect(await submit(INTERVIEWER)).toMatchObject({ ok: true, role: 'interviewer', revealed: null });
    expect(await submit(OBSERVER)).toMatchObject({ ok: true, role: 'observer', revealed: null });
    expect(await submit(OUTSIDER)).toMatchObject({ ok: true, role: 'interviewer', revealed: { panel: [HOST, INTERVIEWER, OUTSIDER, OBSERVER] } });
    expect(await submit(HOST)).toMatchObject({ ok: false, reason: 'revealed' });
    expect(await scorecardView({ store: h.store }, { sessionId: 'sess_solo', access: WS, viewerId: HOST })).toMatchObject({
      ok: true,
      role: 'interviewer',
      revealed: true,
      canEdit: false,
    });
  });

  it('counts the host\'s card as an interviewer\'s before the reveal', async () => {
    await start([INTERVIEWER]);
    expect(await submit(HOST)).toMatchObject({ ok: true, role: 'interviewer', revealed: null });
    expect(await submit(INTERVIEWER)).toMatchObject({ ok: true, role: 'interviewer', revealed: { panel: [HOST, INTERVIEWER, OBSERVER] } });
  });

  it('refuses anyone else, and a session reached from another workspace', async () => {
    await start([INTERVIEWER]);
    expect(await submit(STRANGER)).toMatchObject({ ok: false, reason: 'not_allowed' });
    expect(await scorecardView({ store: h.store }, { sessionId: 'sess_solo', access: WS, viewerId: STRANGER })).toMatchObject({ ok: false, reason: 'not_allowed' });
    const other = { teamId: 'T0OTHER', enterpriseId: '' };
    expect(await submitScorecard({ store: h.store }, { sessionId: 'sess_solo', access: other, userId: HOST, input }, h.clock.now())).toEqual({ ok: false, reason: 'not_found' });
    expect(await scorecardView({ store: h.store }, { sessionId: 'sess_solo', access: other, viewerId: HOST })).toEqual({ ok: false, reason: 'not_found' });
    expect(await h.store.scorecards.forSession('sess_solo')).toEqual([]);
  });
});
