/**
 * The start form (`/mockdesign start` with nothing after it): topic or a prompt from the bank, the candidate,
 * interviewers and observers, the level and the plan. Pure: renders the modal and reads back what comes of it.
 */
import type { ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { ASYNC_DEFAULT_PLAN, MAX_INTERVIEWERS, MAX_OBSERVERS, MAX_TOPIC_LENGTH, PRIVATE_SCORES_NEED_CANDIDATE } from '../../domain/command.ts';
import { type Level, LEVELS } from '../../domain/levels.ts';
import { DEFAULT_PLAN, formatPlan, parsePlan, type Plan } from '../../domain/plan.ts';
import { PROMPTS } from '../../domain/prompts.ts';
import { HOST_AS_CANDIDATE } from '../../domain/session.ts';
import { isBlank } from '../../domain/text.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { truncate } from '../mrkdwn.ts';
import { appAsPerson } from './replies.ts';

/** Block ids of the form; each input's action id is the same string. */
export const START_FIELDS = {
  topic: 'start_topic',
  prompt: 'start_prompt',
  candidate: 'start_candidate',
  interviewers: 'start_interviewers',
  observers: 'start_observers',
  level: 'start_level',
  scores: 'start_scores',
  plan: 'start_plan',
  customPlan: 'start_custom_plan',
} as const;

const CUSTOM_LABEL = 'Custom (type it below)';

const HOUR_PLAN: Plan = [10, 25, 20, 5].map((m) => m * 60_000);

/**
 * The plans offered: the method's 45 minutes, a 60-minute variant, a study group's week, or one typed in. Each
 * label writes its plan the one way plans are written back everywhere (formatPlan), units included.
 */
export const PLAN_CHOICES: readonly { value: string; label: string; plan: Plan | null }[] = [
  { value: 'standard', label: `Standard, 45 min (${formatPlan(DEFAULT_PLAN)})`, plan: DEFAULT_PLAN },
  { value: 'hour', label: `60 min (${formatPlan(HOUR_PLAN)})`, plan: HOUR_PLAN },
  { value: 'week', label: `Study group over a week, async (${formatPlan(ASYNC_DEFAULT_PLAN)})`, plan: ASYNC_DEFAULT_PLAN },
  { value: 'custom', label: CUSTOM_LABEL, plan: null },
];

/** The scores checkbox's one option: the scorecard goes to the candidate and the panel privately. */
export const PRIVATE_SCORES = 'private';

/** The prompt select's value for "pick one this channel has not had". */
export const RANDOM_PROMPT = '__random__';

const StartModalMetadata = z.object({ c: z.string().min(1).max(32) });

export function decodeStartModalMetadata(raw: string): { channelId: string } | undefined {
  try {
    const parsed = StartModalMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? { channelId: parsed.data.c } : undefined;
  } catch {
    return undefined;
  }
}

function option(text: string, value: string): PlainTextOption {
  return { text: { type: 'plain_text', text: truncate(text, 75) }, value };
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });

export function renderStartModal(input: { channelId: string }): ModalView {
  const promptOptions = [option('Any prompt this channel has not had yet', RANDOM_PROMPT), ...PROMPTS.map((p) => option(p.title, p.id))];
  const planOptions = PLAN_CHOICES.map((c) => option(c.label, c.value));
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.startModal,
    private_metadata: JSON.stringify({ c: input.channelId }),
    title: plain('Start a mock interview'),
    submit: plain('Start'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: START_FIELDS.topic,
        optional: true,
        label: plain('Topic'),
        hint: plain('Your own problem, or leave it empty and pick a prompt below.'),
        element: { type: 'plain_text_input', action_id: START_FIELDS.topic, max_length: MAX_TOPIC_LENGTH, placeholder: plain('e.g. Design a URL shortener') },
      },
      {
        type: 'input',
        block_id: START_FIELDS.prompt,
        optional: true,
        label: plain('Or a prompt from the bank'),
        hint: plain('Each comes with a brief, the scale to assume, and probes for the interviewers.'),
        element: { type: 'static_select', action_id: START_FIELDS.prompt, options: promptOptions, placeholder: plain('Pick a prompt') },
      },
      {
        type: 'input',
        block_id: START_FIELDS.candidate,
        optional: true,
        label: plain('Candidate'),
        hint: plain('They never see the interviewers’ nudges or private notes, and see the scores only when the session ends.'),
        element: { type: 'users_select', action_id: START_FIELDS.candidate, placeholder: plain('Who is interviewed') },
      },
      {
        type: 'input',
        block_id: START_FIELDS.interviewers,
        optional: true,
        label: plain('Interviewers'),
        hint: plain('They may steer the session and get private nudges.'),
        element: { type: 'multi_users_select', action_id: START_FIELDS.interviewers, max_selected_items: MAX_INTERVIEWERS },
      },
      {
        type: 'input',
        block_id: START_FIELDS.observers,
        optional: true,
        label: plain('Observers'),
        hint: plain('They watch and may score, but do not steer.'),
        element: { type: 'multi_users_select', action_id: START_FIELDS.observers, max_selected_items: MAX_OBSERVERS },
      },
      {
        type: 'input',
        block_id: START_FIELDS.level,
        optional: true,
        label: plain('Level'),
        element: { type: 'static_select', action_id: START_FIELDS.level, options: LEVELS.map((l) => option(l.label, l.key)), placeholder: plain('Mid, senior or staff') },
      },
      {
        type: 'input',
        block_id: START_FIELDS.scores,
        optional: true,
        label: plain('Scores'),
        element: {
          type: 'checkboxes',
          action_id: START_FIELDS.scores,
          options: [
            {
              text: plain('Keep the scorecard private'),
              description: plain('The candidate and the panel get it privately; the thread says only that.'),
              value: PRIVATE_SCORES,
            },
          ],
        },
      },
      {
        type: 'input',
        block_id: START_FIELDS.plan,
        label: plain('Plan'),
        element: { type: 'static_select', action_id: START_FIELDS.plan, options: planOptions, ...(planOptions[0] ? { initial_option: planOptions[0] } : {}) },
      },
      {
        type: 'input',
        block_id: START_FIELDS.customPlan,
        optional: true,
        label: plain('Custom plan'),
        hint: plain('Four durations, one per phase: 5/20/15/5 (minutes), 30s/1m/1m/30s, 1d/3d/2d/1d.'),
        element: { type: 'plain_text_input', action_id: START_FIELDS.customPlan, max_length: 60, placeholder: plain('5/20/15/5') },
      },
    ],
  };
}

export interface StartForm {
  /** Empty when a prompt was picked. */
  readonly topic: string;
  /** A prompt id, RANDOM_PROMPT, or undefined (then the topic is given). */
  readonly prompt: string | undefined;
  readonly plan: Plan;
  readonly candidate: string | undefined;
  readonly interviewers: string[];
  readonly observers: string[];
  readonly level: Level | undefined;
  /** The study group's plan: members join, are reminded, and the host gets a digest at each deadline. */
  readonly isAsync: boolean;
  /** The scorecard goes to the candidate and the panel privately (a live interview only). */
  readonly privateScores: boolean;
}

type FormResult = { ok: true; value: StartForm } | { ok: false; errors: Record<string, string> };

const Field = z
  .object({
    value: z.string().nullish(),
    selected_option: z.object({ value: z.string() }).nullish(),
    selected_user: z.string().nullish(),
    selected_users: z.array(z.string()).nullish(),
    selected_options: z.array(z.object({ value: z.string() })).nullish(),
  })
  .loose();
const State = z.record(z.string(), z.record(z.string(), Field));

/** Who submits the form, and the app's own user (the people pickers list it too), when Slack says. */
export interface StartFormPeople {
  readonly hostId: string;
  readonly appUserId: string | undefined;
}

/**
 * Reads the submitted form; every mistake is an inline error on its field, all of them at once (a form that showed
 * one mistake per submission would take as many rounds as there are mistakes), and nothing is started.
 */
export function parseStartForm(values: unknown, people: StartFormPeople): FormResult {
  const parsed = State.safeParse(values);
  const state = parsed.success ? parsed.data : {};
  const field = (id: string) => state[id]?.[id];
  const errors: Record<string, string> = {};

  const typedTopic = (field(START_FIELDS.topic)?.value ?? '').trim();
  // Only invisible characters (a zero-width space) would show as nothing: the same as no topic.
  const topic = isBlank(typedTopic) ? '' : typedTopic;
  const promptValue = field(START_FIELDS.prompt)?.selected_option?.value ?? undefined;
  const prompt = promptValue === RANDOM_PROMPT || PROMPTS.some((p) => p.id === promptValue) ? promptValue : undefined;
  if (topic === '' && prompt === undefined) errors[START_FIELDS.topic] = 'Give a topic, or pick a prompt below.';
  // Both would make a session titled with one problem but briefed and probed with another: as with the command's
  // topic and `--random`, the person picks one.
  if (topic !== '' && prompt !== undefined) errors[START_FIELDS.topic] = 'Give a topic or pick a prompt below, not both.';
  if (topic.length > MAX_TOPIC_LENGTH) errors[START_FIELDS.topic] = `Keep it under ${MAX_TOPIC_LENGTH} characters (this is ${topic.length}).`;

  const candidate = field(START_FIELDS.candidate)?.selected_user ?? undefined;
  const interviewers = [...new Set(field(START_FIELDS.interviewers)?.selected_users ?? [])];
  const observers = [...new Set(field(START_FIELDS.observers)?.selected_users ?? [])];
  const app = people.appUserId;
  if (candidate !== undefined && candidate === people.hostId) errors[START_FIELDS.candidate] = HOST_AS_CANDIDATE;
  else if (candidate !== undefined && candidate === app) errors[START_FIELDS.candidate] = appAsPerson('candidate');
  else if (candidate !== undefined && (interviewers.includes(candidate) || observers.includes(candidate))) {
    errors[START_FIELDS.candidate] = 'The candidate cannot also be an interviewer or an observer.';
  }
  if (app !== undefined && interviewers.includes(app)) errors[START_FIELDS.interviewers] = appAsPerson('interviewer');
  if (app !== undefined && observers.includes(app)) errors[START_FIELDS.observers] = appAsPerson('observer');
  // A form's error is plain text, with no mention to name them by: the pickers show who is in both lists.
  else if (interviewers.some((id) => observers.includes(id))) errors[START_FIELDS.observers] = 'The same person is picked as an interviewer and an observer: keep them in one of the two.';

  const levelValue = field(START_FIELDS.level)?.selected_option?.value;
  const level = LEVELS.find((l) => l.key === levelValue)?.key;
  const privateScores = (field(START_FIELDS.scores)?.selected_options ?? []).some((o) => o.value === PRIVATE_SCORES);
  if (privateScores && candidate === undefined) errors[START_FIELDS.scores] = PRIVATE_SCORES_NEED_CANDIDATE;

  const choice = PLAN_CHOICES.find((c) => c.value === field(START_FIELDS.plan)?.selected_option?.value) ?? PLAN_CHOICES[0];
  let plan: Plan = DEFAULT_PLAN;
  const typed = (field(START_FIELDS.customPlan)?.value ?? '').trim();
  if (choice?.plan) {
    plan = choice.plan;
    // A plan typed below while another is chosen (the first is chosen from the start) would be dropped unseen.
    if (typed !== '') errors[START_FIELDS.customPlan] = `Choose ${CUSTOM_LABEL} as the plan to use this one, or clear it.`;
  } else {
    const custom = parsePlan(typed);
    if (typed === '') errors[START_FIELDS.customPlan] = 'Type the custom plan, e.g. 5/20/15/5.';
    // The plan's error is written for the command; on the form, the advice is what to type in this field.
    else if (!custom.ok) errors[START_FIELDS.customPlan] = custom.error.replace(/`/g, '').replace(/--plan /g, '');
    else plan = custom.value;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { topic, prompt, plan, candidate, interviewers, observers, level, isAsync: choice?.value === 'week', privateScores } };
}
