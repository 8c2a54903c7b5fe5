/** The start form's choices: a topic or a prompt (never both, silently), and plans written one way. */
import { afterEach, describe, expect, it } from 'vitest';
import { formatPlan, parsePlan } from '../../src/domain/plan.ts';
import { PLAN_CHOICES } from '../../src/slack/views/start-modal.ts';
import { CHANNEL, createHarness, HOST, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const select = (value: string) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } });
const text = (value: string | null) => ({ type: 'plain_text_input', value });

async function submitStart(values: Record<string, Record<string, unknown>>) {
  const response = await h.submitView(
    { id: 'V0START', callback_id: 'mockdesign_start_modal', private_metadata: JSON.stringify({ c: CHANNEL }), title: 'Start a mock interview' },
    values,
    { user: HOST },
  );
  await h.tick();
  return response as { response_action?: string; errors?: Record<string, string> } | undefined;
}

describe('the start form', () => {
  // Both would title the session with one problem while briefing and probing with another.
  it('asks for a topic or a prompt when given both, and starts nothing', async () => {
    h = await createHarness();
    for (const prompt of ['rate-limiter', '__random__']) {
      const refused = await submitStart({
        start_topic: { start_topic: text('My own topic') },
        start_prompt: { start_prompt: select(prompt) },
        start_plan: { start_plan: select('standard') },
      });
      expect(refused).toEqual({ response_action: 'errors', errors: { start_topic: 'Give a topic or pick a prompt below, not both.' } });
    }
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    // A topic alone is the session's own problem; a prompt alone brings its brief.
    await submitStart({ start_topic: { start_topic: text('My own topic') }, start_plan: { start_plan: select('standard') } });
    expect(h.db.prepare('SELECT topic, prompt_id FROM sessions').get()).toEqual({ topic: 'My own topic', prompt_id: null });
  });

  it('writes every plan it offers with units, the way plans are written back', async () => {
    h = await createHarness();
    await h.command('start');
    const [view] = h.slack.openViews(HOST);
    const planBlock = (view?.blocks as { block_id?: string; element?: { options?: { text: { text: string } }[] } }[]).find((b) => b.block_id === 'start_plan');
    const labels = planBlock?.element?.options?.map((o) => o.text.text);
    expect(labels).toEqual(['Standard, 45 min (5m/20m/15m/5m)', '60 min (10m/25m/20m/5m)', 'Study group over a week, async (1d/2d/2d/1d)', 'Custom (type it below)']);
    for (const choice of PLAN_CHOICES) {
      if (choice.plan) expect(choice.label).toContain(`(${formatPlan(choice.plan)})`);
      const written = /\(([^)]+)\)$/.exec(choice.label)?.[1];
      if (choice.plan && written) expect(parsePlan(written)).toEqual({ ok: true, value: choice.plan });
    }
  });

  it('keeps the scorecard private when asked, for a live interview only, marking the box otherwise', async () => {
    h = await createHarness();
    await h.command('start');
    const [view] = h.slack.openViews(HOST);
    const box = (view?.blocks as { block_id?: string; optional?: boolean; element?: { type: string } }[]).find((b) => b.block_id === 'start_scores');
    expect(box).toMatchObject({ optional: true, element: { type: 'checkboxes' } });
    const kept = { start_scores: { start_scores: { type: 'checkboxes', selected_options: [{ text: { type: 'plain_text', text: 'Keep' }, value: 'private' }] } } };
    const refused = await submitStart({ start_topic: { start_topic: text('A group design') }, start_plan: { start_plan: select('standard') }, ...kept });
    expect(refused).toEqual({ response_action: 'errors', errors: { start_scores: expect.stringContaining("Private scores keep a candidate's scores between them and the panel") } });
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    await submitStart({
      start_topic: { start_topic: text('An interview') },
      start_candidate: { start_candidate: { type: 'users_select', selected_user: 'U0BOB' } },
      start_plan: { start_plan: select('standard') },
      ...kept,
    });
    expect(h.db.prepare('SELECT topic, private_scores FROM sessions').get()).toEqual({ topic: 'An interview', private_scores: 1 });
  });
});
