/**
 * Answers to what people typed or clicked as they read it, through the real Bolt router: extensions written as the
 * button says them, a person named in two roles, a paused session's refusals, the start form's mistakes all at
 * once, and a scorecard that comes in after the reveal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RUBRIC, type DimensionKey } from '../../src/domain/scorecard.ts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS, SCORE_IDS } from '../../src/slack/ids.ts';
import { START_FIELDS } from '../../src/slack/views/start-modal.ts';
import { allText, CHANNEL, createHarness, type Harness, HOST } from '../support/harness.ts';

const MIN = 60_000;
const CANDIDATE = 'U0BOB';
const INTERVIEWER = 'U0CAROL';
const OBSERVER = 'U0DAVE';

type Ack = { response_type: string; text: string; blocks: unknown[] };

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const sessions = () => h.db.prepare('SELECT count(*) FROM sessions').pluck().get();
const phase1Ms = () => Number(h.db.prepare('SELECT planned_ms FROM session_phases WHERE idx = 0').pluck().get());

describe('extending by the words the button uses', () => {
  it('takes `+5 min` and `extend 1 hour`, and asks for more than zero on `extend 0`, changing nothing', async () => {
    h = await createHarness();
    await h.command('start Design a URL shortener');
    const before = phase1Ms();
    expect(((await h.command('+5 min')) as Ack).text).toContain('has 5 min more');
    expect(phase1Ms()).toBe(before + 5 * MIN);
    expect(((await h.command('extend 1 hour')) as Ack).text).toContain('has 1 h more');
    expect(phase1Ms()).toBe(before + 65 * MIN);

    const zero = (await h.command('extend 0')) as Ack;
    expect(zero.response_type).toBe('ephemeral');
    expect(allText(zero)).toContain('⚠️ Give a duration longer than zero, such as `5m`.');
    expect(phase1Ms()).toBe(before + 65 * MIN);
  });
});

describe('someone named in two roles', () => {
  it('is named in the refusal with a mention, and nothing starts', async () => {
    h = await createHarness();
    const ack = (await h.command(`start Design Z --candidate <@${CANDIDATE}|bob> --observer <@${INTERVIEWER}|carol> --interviewer <@${INTERVIEWER}|carol>`)) as Ack;
    expect(ack.response_type).toBe('ephemeral');
    expect(allText(ack)).toContain(`⚠️ <@${INTERVIEWER}> is named both interviewer and observer: pick one.`);
    expect(sessions()).toBe(0);
  });
});

describe('a paused session', () => {
  it('says an extension added nothing, and a second pause that it is paused already, typed or clicked', async () => {
    h = await createHarness();
    await h.command('start Design a URL shortener');
    const actions = (h.root()?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { action_id: string; value: string }[] };
    const pauseButton = actions.elements.find((e) => e.action_id === ACTION_IDS.pause);
    expect(((await h.command('pause')) as Ack).text).toContain('Paused');
    const before = phase1Ms();

    expect(((await h.command('+5')) as Ack).text).toBe('The session is paused, so no time was added: `/mockdesign resume` starts the clock again, then extend.');
    expect(((await h.command('pause')) as Ack).text).toBe('The session is already paused. `/mockdesign resume` starts the clock again.');
    // The Pause button of the message as it was before the pause.
    await h.click(ACTION_IDS.pause, pauseButton?.value ?? '');
    expect(h.slack.ephemerals().at(-1)?.text).toBe('The session is already paused. `/mockdesign resume` starts the clock again.');
    expect(phase1Ms()).toBe(before);
  });
});

describe('the start form', () => {
  const select = (value: string) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } });
  const text = (value: string | null) => ({ type: 'plain_text_input', value });
  async function submitStart(values: Record<string, Record<string, unknown>>) {
    const response = await h.submitView(
      { id: 'V0START', callback_id: CALLBACK_IDS.startModal, private_metadata: JSON.stringify({ c: CHANNEL }), title: 'Start a mock interview' },
      values,
      { user: HOST },
    );
    return response as { response_action?: string; errors?: Record<string, string> } | undefined;
  }

  it('tells the candidate only what is true: no nudges or private notes ever, the scores when the session ends', async () => {
    h = await createHarness();
    await h.command('start');
    const [view] = h.slack.openViews(HOST);
    const candidate = (view?.blocks as { block_id?: string; hint?: { text: string } }[] | undefined)?.find((b) => b.block_id === START_FIELDS.candidate);
    expect(candidate?.hint?.text).toBe('They never see the interviewers’ nudges or private notes, and see the scores only when the session ends.');
  });

  it('shows every field\'s mistake in one answer, and starts nothing', async () => {
    h = await createHarness();
    // The harness's app answers as the bot user U0BOT.
    const refused = await submitStart({
      [START_FIELDS.topic]: { [START_FIELDS.topic]: text('Design X') },
      [START_FIELDS.candidate]: { [START_FIELDS.candidate]: { type: 'users_select', selected_user: HOST } },
      [START_FIELDS.interviewers]: { [START_FIELDS.interviewers]: { type: 'multi_users_select', selected_users: [INTERVIEWER, 'U0BOT'] } },
      [START_FIELDS.observers]: { [START_FIELDS.observers]: { type: 'multi_users_select', selected_users: [OBSERVER, 'U0BOT'] } },
      [START_FIELDS.plan]: { [START_FIELDS.plan]: select('custom') },
      [START_FIELDS.customPlan]: { [START_FIELDS.customPlan]: text('1m/1m/1m/1.5s') },
    });
    expect(refused).toEqual({
      response_action: 'errors',
      errors: {
        [START_FIELDS.candidate]: expect.stringContaining("can't also be its candidate"),
        [START_FIELDS.interviewers]: 'That is mockdesign itself, not a person: name someone else as an interviewer.',
        [START_FIELDS.observers]: 'That is mockdesign itself, not a person: name someone else as an observer.',
        [START_FIELDS.customPlan]: expect.stringContaining('1.5s is not a whole number of seconds'),
      },
    });
    expect(sessions()).toBe(0);
  });

  it('says to separate a custom plan with /, and that the same person is in two lists, in plain words', async () => {
    h = await createHarness();
    const refused = await submitStart({
      [START_FIELDS.topic]: { [START_FIELDS.topic]: text('Design X') },
      [START_FIELDS.interviewers]: { [START_FIELDS.interviewers]: { type: 'multi_users_select', selected_users: [INTERVIEWER] } },
      [START_FIELDS.observers]: { [START_FIELDS.observers]: { type: 'multi_users_select', selected_users: [OBSERVER, INTERVIEWER] } },
      [START_FIELDS.plan]: { [START_FIELDS.plan]: select('custom') },
      [START_FIELDS.customPlan]: { [START_FIELDS.customPlan]: text('30s 30s 30s') },
    });
    expect(refused?.errors).toEqual({
      [START_FIELDS.observers]: 'The same person is picked as an interviewer and an observer: keep them in one of the two.',
      [START_FIELDS.customPlan]: 'Separate the 4 phases with /, e.g. 30s/30s/30s/30s.',
    });
    expect(sessions()).toBe(0);

    // Typed with the units written out, it is a plan.
    await submitStart({
      [START_FIELDS.topic]: { [START_FIELDS.topic]: text('Design X') },
      [START_FIELDS.plan]: { [START_FIELDS.plan]: select('custom') },
      [START_FIELDS.customPlan]: { [START_FIELDS.customPlan]: text('30 sec/1 min/1 min/30 seconds') },
    });
    expect(h.db.prepare('SELECT planned_ms FROM session_phases ORDER BY idx').pluck().all()).toEqual([30_000, MIN, MIN, 30_000]);
  });
});

describe('a scorecard submitted after the reveal', () => {
  type View = { id: string; private_metadata: string; callback_id: string };
  const FIRST = SCORE_IDS.scoreBlock(RUBRIC[0].key);

  async function openScorecard(user: string): Promise<View> {
    const row = (h.root()?.blocks ?? []).find((b) => (b as { block_id?: string }).block_id === BLOCK_IDS.scoring) as { elements: { action_id: string; value: string }[] };
    await h.click(ACTION_IDS.score, row.elements.find((e) => e.action_id === ACTION_IDS.score)?.value ?? '', { user });
    const view = h.slack.openViews(user).at(-1) as View | undefined;
    expect(view?.callback_id).toBe(CALLBACK_IDS.scorecardModal);
    return view as View;
  }

  async function submit(view: View, user: string, card: { scores: Partial<Record<DimensionKey, string>>; evidence?: string; strengths?: string }): Promise<unknown> {
    const values: Record<string, Record<string, unknown>> = {};
    for (const d of RUBRIC) {
      const score = card.scores[d.key];
      values[SCORE_IDS.scoreBlock(d.key)] = { [SCORE_IDS.scoreAction(d.key)]: { type: 'static_select', selected_option: score ? { text: { type: 'plain_text', text: score }, value: score } : null } };
      values[SCORE_IDS.evidenceBlock(d.key)] = { [SCORE_IDS.evidenceAction(d.key)]: { type: 'plain_text_input', value: d.key === RUBRIC[0].key ? (card.evidence ?? null) : null } };
    }
    values[BLOCK_IDS.scoreStrengths] = { [ACTION_IDS.scoreStrengths]: { type: 'plain_text_input', value: card.strengths ?? null } };
    return h.submitView({ id: view.id, callback_id: CALLBACK_IDS.scorecardModal, private_metadata: view.private_metadata, title: 'Scorecard' }, values, { user });
  }

  /** After the reveal Score opens the cards read-only: the form opened before it is submitted again instead. */
  const formOpenedBefore = (user: string) => h.slack.openViews(user).find((v) => v.callback_id === CALLBACK_IDS.scorecardModal) as View;

  const cardsBy = () => h.db.prepare('SELECT scorer_id FROM scorecards ORDER BY scorer_id').pluck().all();

  it('tells someone who never submitted that the cards were revealed while they scored, and what can keep their words', async () => {
    h = await createHarness();
    await h.command(`start Design a news feed --candidate <@${CANDIDATE}> --interviewer <@${INTERVIEWER}> --observer <@${OBSERVER}> --level senior`);
    const hostForm = await openScorecard(HOST);
    const observerForm = await openScorecard(OBSERVER);
    // The named interviewer's card reveals the panel's cards.
    await submit(await openScorecard(INTERVIEWER), INTERVIEWER, { scores: { requirements: '3' } });
    expect(cardsBy()).toEqual([INTERVIEWER]);

    const withWords = await submit(hostForm, HOST, { scores: { requirements: '2' }, evidence: 'never sized the storage' });
    expect(withWords).toEqual({
      response_action: 'errors',
      errors: {
        [FIRST]:
          'The cards were revealed while you were scoring, so your card can no longer be added. To keep what you wrote, add it as a note for the interviewers: Add note on the session message.',
      },
    });
    const scoresOnly = await submit(observerForm, OBSERVER, { scores: { requirements: '4' } });
    expect(scoresOnly).toEqual({ response_action: 'errors', errors: { [FIRST]: 'The cards were revealed while you were scoring, so your card can no longer be added.' } });
    // An edit of a card submitted before keeps saying it can no longer change.
    const edit = await submit(formOpenedBefore(INTERVIEWER), INTERVIEWER, { scores: { requirements: '4' } });
    expect(edit).toEqual({ response_action: 'errors', errors: { [FIRST]: 'The cards are revealed to the panel, so this card can no longer change.' } });
    expect(cardsBy()).toEqual([INTERVIEWER]);
  });
});
