/**
 * Interview levels, what an interviewer listens for at each level in each phase, and the method's advice on
 * time. Together with the prompt bank they make the private nudge an interviewer gets when a phase starts.
 * Every string is plain text without mrkdwn markup characters, like the prompt bank.
 */
import { formatDuration } from './duration.ts';
import type { PhaseKey, Prompt } from './prompts.ts';
import { err, ok, type Result } from './result.ts';
import { clip } from './text.ts';

export const LEVELS = [
  { key: 'mid', label: 'Mid-level', bar: 'A design that works end to end, with sound APIs.' },
  { key: 'senior', label: 'Senior', bar: 'Finds their own bottlenecks, takes two of them deep and states the trade-offs.' },
  {
    key: 'staff',
    label: 'Staff',
    bar: 'Follows failure modes several levels deep and brings up operations and cost without being asked.',
  },
] as const;

export type Level = (typeof LEVELS)[number]['key'];

export const LEVEL_EXAMPLE = '`--level mid`, `--level senior` or `--level staff`';

// What people type for a level; anything else is refused rather than guessed.
const LEVEL_WORDS: Readonly<Record<string, Level>> = {
  mid: 'mid',
  'mid-level': 'mid',
  midlevel: 'mid',
  senior: 'senior',
  sr: 'senior',
  staff: 'staff',
};

export function isLevel(value: string): value is Level {
  return LEVELS.some((l) => l.key === value);
}

/** Reads a level in any case ("Senior", "mid-level", "sr"). The error says what is accepted. */
export function parseLevel(text: string): Result<Level> {
  const level = LEVEL_WORDS[text.trim().toLowerCase()];
  if (level) return ok(level);
  return err(`\`${clip(text.trim() || text)}\` is not a level: use ${LEVEL_EXAMPLE}.`);
}

export function levelLabel(level: Level): string {
  return LEVELS.find((l) => l.key === level)?.label ?? level;
}

/**
 * Each level is judged on what it adds: a mid-level candidate is not marked down for skipping cost, and a
 * staff candidate is expected to cover the mid-level basics without them being listed again.
 */
const LISTEN_FOR: Readonly<Record<Level, Readonly<Record<PhaseKey, readonly string[]>>>> = {
  mid: {
    requirements: [
      'Asks clarifying questions before drawing anything',
      'Settles on a short list of core features',
      'Puts at least a rough number on scale: users or requests per second',
    ],
    high_level: [
      'A design that works end to end for every core feature',
      'Sound APIs: clear inputs and outputs, and only what the features need',
      'A sensible data model, and a database chosen for a stated reason',
    ],
    deep_dive: [
      'Explains how one part of the design copes with the load',
      'Takes a hint well: hears a probe and improves the design',
      'Knows at least one alternative to what they chose',
    ],
    wrap_up: ['Summarises the design clearly', 'Knows which part is weakest'],
  },
  senior: {
    requirements: [
      'Drives the questions: users, features and the non-functional needs that will shape the design',
      'Numbers that lead somewhere: read/write ratio, peak requests per second, storage',
      'Scopes firmly and says what is out',
    ],
    high_level: [
      'Covers the whole picture briskly, then points at the parts that will be hard',
      'Finds their own bottlenecks before anyone asks',
      'A data model shaped by the access patterns',
    ],
    deep_dive: [
      'Two deep dives, each with at least two options',
      'Trade-offs stated plainly, backed by numbers',
      'A decision at the end of each, with the reason',
    ],
    wrap_up: ['A crisp summary of the key decisions and what they cost', 'What they would do next with more time'],
  },
  staff: {
    requirements: [
      'Questions the problem itself: what matters to the business, and which requirement costs most',
      'Raises operability, cost and compliance constraints unprompted',
      'Separates what must hold from day one from what can evolve',
    ],
    high_level: [
      'Clear boundaries between services, leaving room for the design to evolve',
      'Spots the single points of failure in their own diagram',
      'Weighs the cost and running burden of each component',
    ],
    deep_dive: [
      'Failure modes several levels deep: what fails, what that breaks next, how it is detected and recovered',
      'Operations without being asked: rollout, monitoring, alerting, on-call, data migration',
      'Cost in numbers (storage, bandwidth, machines) and what they would trade for it',
    ],
    wrap_up: [
      'A summary framed around risks and how the design would be rolled out',
      'Names what they would measure first in production',
    ],
  },
};

/** What an interviewer should listen for in this phase at this level. */
export function listenFor(level: Level, phaseKey: PhaseKey): readonly string[] {
  return LISTEN_FOR[level][phaseKey];
}

export interface TimeAdviceContext {
  /** Which nudge the advice goes into: the one at the phase's start, or the one half-way through. */
  readonly moment: 'start' | 'midpoint';
  /** The phase's length in this session's plan (minutes in a live mock, days for a study group). */
  readonly plannedMs: number;
  /** Problems noted so far in the deep dive; only the deep dive's midpoint advice uses it. */
  readonly deepDivesNoted?: number;
}

/**
 * The method's advice on time where it applies: requirements kept to the plan without designing, the whole
 * picture agreed before details, two or three deep dives rather than ten, a short summary. Empty when nothing
 * applies (half-way through the wrap-up there is nothing left to pace).
 */
export function timeAdvice(phaseKey: PhaseKey, context: TimeAdviceContext): readonly string[] {
  const length = formatDuration(context.plannedMs);
  const start = context.moment === 'start';
  switch (phaseKey) {
    case 'requirements':
      return start
        ? [`About ${length} for this: understand the problem and agree on scale; no boxes or databases yet.`]
        : ['Half the requirements time is gone: if the list keeps growing, steer to the top few features and a rough estimate.'];
    case 'high_level':
      return start
        ? [
            'Agree on the whole picture before any detail: APIs first, then the diagram end to end.',
            `About ${length} for this: database scaling, concurrency and failure cases can wait for the deep dive.`,
          ]
        : ['Half-way: until the diagram carries every feature end to end, hold the details back.'];
    case 'deep_dive':
      return start
        ? [
            'Two or three deep dives, not ten: choose the problems that threaten the non-functional requirements.',
            `${length} leaves about ${formatDuration(context.plannedMs / 2)} each for two problems, or ${formatDuration(context.plannedMs / 3)} each for three.`,
          ]
        : [deepDiveMidpointAdvice(context.deepDivesNoted)];
    case 'wrap_up':
      return start ? ['A few sentences: the design, its key decisions and what sets it apart. Short and simple.'] : [];
  }
}

function deepDiveMidpointAdvice(noted: number | undefined): string {
  if (noted === undefined) return 'Half-way: make sure the current problem ends in a decision before another starts.';
  if (noted === 0) return 'Half the deep dive is gone and no problem is noted yet: pick one now so a second still fits.';
  if (noted >= 3) return 'Three or more problems already: go deeper on the one that matters most rather than wider.';
  return 'Half-way: close the current problem with a decision, then move to the next; two or three in all is plenty.';
}

export interface PhaseStartNudge {
  readonly listenFor: readonly string[];
  /** The prompt's follow-up questions for the phase; empty for a free topic. */
  readonly probes: readonly string[];
  /** What a strong answer covers for this prompt in this phase; empty for a free topic. */
  readonly strong: readonly string[];
  readonly timeAdvice: readonly string[];
}

/** The private note an interviewer gets as a phase starts. `prompt` is absent when the topic is not from the bank. */
export function phaseStartNudge(input: {
  readonly level: Level;
  readonly phaseKey: PhaseKey;
  readonly plannedMs: number;
  readonly prompt?: Prompt | undefined;
}): PhaseStartNudge {
  const guide = input.prompt?.phases[input.phaseKey];
  return {
    listenFor: listenFor(input.level, input.phaseKey),
    probes: guide?.probes ?? [],
    strong: guide?.strong ?? [],
    timeAdvice: timeAdvice(input.phaseKey, { moment: 'start', plannedMs: input.plannedMs }),
  };
}
