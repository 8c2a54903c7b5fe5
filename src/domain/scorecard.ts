/**
 * Scorecards: the rubric, one scorer's card and its validation, the blind reveal, and what the panel's cards
 * add up to, with the candidate's self-assessment beside them and feedback addressed to the candidate.
 * Our own strings are plain text without mrkdwn markup; what scorers type must be escaped where it is shown.
 */
import { err, ok, type Result } from './result.ts';

export const RUBRIC = [
  {
    key: 'requirements',
    name: 'Requirements and scope',
    description: 'Clarifies the problem, agrees on the core features and says what is out.',
    tip: 'Spend the first minutes on questions: list the top features, then say out loud what is out of scope.',
  },
  {
    key: 'estimation',
    name: 'Estimation',
    description: 'Puts rough numbers on users, traffic and storage, and lets them shape the design.',
    tip: 'Practise quick estimates: daily users to requests per second to storage per year, in under two minutes.',
  },
  {
    key: 'api_data_model',
    name: 'API and data model',
    description: 'Endpoints with inputs and outputs, and a schema that fits the access patterns.',
    tip: 'Write one API per feature before drawing any boxes, then the tables or keys that serve them.',
  },
  {
    key: 'high_level',
    name: 'High-level design',
    description: 'A diagram that carries every feature end to end, from the entry point to storage.',
    tip: 'Trace each feature through your diagram before going deep; one you cannot trace means the picture is unfinished.',
  },
  {
    key: 'deep_dive',
    name: 'Deep dive and trade-offs',
    description: 'Finds the hard problems, weighs at least two options with numbers and decides.',
    tip: 'For each problem: state it with a number, give two options, compare them, pick one and say why.',
  },
  {
    key: 'scalability_ops',
    name: 'Scalability and operations',
    description: 'Copes with growth and failure, and thinks about running the system: monitoring, rollout, cost.',
    tip: 'Ask of every component: what happens at ten times the load, and what happens when it fails?',
  },
  {
    key: 'communication',
    name: 'Communication',
    description: 'Thinks out loud, checks in with the interviewer and takes hints well.',
    tip: 'Say your reasoning as you go, and pause after each decision to ask whether to go deeper.',
  },
  {
    key: 'time_management',
    name: 'Time management',
    description: 'Paces the phases and leaves time for the deep dive and a summary.',
    tip: 'Rehearse with a clock and glance at it at every phase change; move on when a phase runs over.',
  },
] as const;

export type DimensionKey = (typeof RUBRIC)[number]['key'];
export type Score = 1 | 2 | 3 | 4;

export const SCORE_LABELS: Readonly<Record<Score, string>> = { 1: 'missing', 2: 'weak', 3: 'solid', 4: 'strong' };

export const RED_FLAGS = [
  { key: 'jumped_to_solution', name: 'Jumped to a solution' },
  { key: 'over_engineered', name: 'Over-engineered' },
  { key: 'single_option', name: 'Single option only' },
  { key: 'no_numbers', name: 'No numbers' },
  { key: 'defensive', name: 'Defensive' },
] as const;

export type RedFlagKey = (typeof RED_FLAGS)[number]['key'];

/** A readiness scale rather than hire/no-hire: a mock decides nothing, it tells the candidate how far they are. */
export const RECOMMENDATIONS = [
  { key: 'not_yet', label: 'Not yet', description: 'Needs more practice before a real interview at this level.' },
  { key: 'almost', label: 'Almost there', description: 'Close: a few gaps to close first.' },
  { key: 'ready', label: 'Ready', description: 'Would likely pass a real interview at this level.' },
  { key: 'strongly_ready', label: 'Strongly ready', description: 'Would stand out in a real interview at this level.' },
] as const;

export type RecommendationKey = (typeof RECOMMENDATIONS)[number]['key'];
export type ScorerRole = 'interviewer' | 'observer' | 'candidate';

export interface DimensionScore {
  readonly score: Score;
  readonly evidence?: string;
}

export interface Scorecard {
  readonly scorerId: string;
  /** `candidate` marks a self-assessment: shown beside the panel, never counted in it. */
  readonly role: ScorerRole;
  readonly scores: Readonly<Partial<Record<DimensionKey, DimensionScore>>>;
  readonly redFlags: readonly RedFlagKey[];
  readonly recommendation?: RecommendationKey;
  readonly strengths: string;
  readonly improvements: string;
  readonly submittedAt: number;
  readonly updatedAt: number;
}

/** Lengths after trimming, in UTF-16 units as Slack counts them; modal inputs can set the same `max_length`. */
export const SCORECARD_LIMITS = { evidence: 500, strengths: 1000, improvements: 1000 } as const;

/** A card as a form sends it: anything may be missing or out of range. */
export interface ScorecardInput {
  readonly scorerId: string;
  readonly role: ScorerRole;
  readonly scores: Readonly<Record<string, { readonly score?: number | undefined; readonly evidence?: string | undefined } | undefined>>;
  readonly redFlags?: readonly string[] | undefined;
  readonly recommendation?: string | undefined;
  readonly strengths?: string | undefined;
  readonly improvements?: string | undefined;
}

export type ScorecardField =
  | 'scores'
  | 'redFlags'
  | 'recommendation'
  | 'strengths'
  | 'improvements'
  | `score.${DimensionKey}`
  | `evidence.${DimensionKey}`;

/** One message per field, for the form's inline errors. */
export type ScorecardErrors = Partial<Record<ScorecardField, string>>;

const isDimension = (key: string): key is DimensionKey => RUBRIC.some((d) => d.key === key);
const isRedFlag = (key: string): key is RedFlagKey => RED_FLAGS.some((f) => f.key === key);
const isRecommendation = (key: string): key is RecommendationKey => RECOMMENDATIONS.some((r) => r.key === key);
const isScore = (value: number): value is Score => Number.isInteger(value) && value >= 1 && value <= 4;

/**
 * Checks a submitted card and returns it trimmed and typed, or every problem at once by field. An edit passes
 * the card it replaces as `previous`, so the card keeps its first submission time.
 */
export function validateScorecard(input: ScorecardInput, now: number, previous?: Scorecard): Result<Scorecard, ScorecardErrors> {
  const errors: ScorecardErrors = {};
  const scores: Partial<Record<DimensionKey, DimensionScore>> = {};
  for (const [key, entry] of Object.entries(input.scores)) {
    if (!isDimension(key)) {
      errors.scores = `There is no rubric dimension called ${key}.`;
      continue;
    }
    const evidence = entry?.evidence?.trim() ?? '';
    if (evidence.length > SCORECARD_LIMITS.evidence) {
      errors[`evidence.${key}`] = `Keep the evidence to ${SCORECARD_LIMITS.evidence} characters; this has ${evidence.length}.`;
    }
    const score = entry?.score;
    if (score === undefined) {
      if (evidence !== '') errors[`score.${key}`] = 'Pick a score to go with this evidence.';
    } else if (!isScore(score)) {
      errors[`score.${key}`] = 'A score is a whole number from 1 (missing) to 4 (strong).';
    } else {
      scores[key] = evidence === '' ? { score } : { score, evidence };
    }
  }
  if (Object.keys(scores).length === 0 && !errors.scores && !Object.keys(errors).some((f) => f.startsWith('score.'))) {
    errors.scores = 'Score at least one dimension.';
  }
  const unknownFlag = (input.redFlags ?? []).find((f) => !isRedFlag(f));
  if (unknownFlag !== undefined) errors.redFlags = `There is no red flag called ${unknownFlag}.`;
  const recommendation = input.recommendation?.trim() || undefined;
  if (recommendation !== undefined && !isRecommendation(recommendation)) {
    errors.recommendation = `Choose one of: ${RECOMMENDATIONS.map((r) => r.label).join(', ')}.`;
  }
  const strengths = input.strengths?.trim() ?? '';
  const improvements = input.improvements?.trim() ?? '';
  if (strengths.length > SCORECARD_LIMITS.strengths) {
    errors.strengths = `Keep strengths to ${SCORECARD_LIMITS.strengths} characters; this has ${strengths.length}.`;
  }
  if (improvements.length > SCORECARD_LIMITS.improvements) {
    errors.improvements = `Keep improvements to ${SCORECARD_LIMITS.improvements} characters; this has ${improvements.length}.`;
  }
  if (Object.keys(errors).length > 0) return err(errors);
  // A flag ticked twice counts once; the rubric's order keeps cards comparable.
  const redFlags = RED_FLAGS.map((f) => f.key).filter((key) => input.redFlags?.includes(key));
  return ok({
    scorerId: input.scorerId,
    role: input.role,
    scores,
    redFlags,
    ...(recommendation !== undefined && isRecommendation(recommendation) ? { recommendation } : {}),
    strengths,
    improvements,
    submittedAt: previous?.submittedAt ?? now,
    updatedAt: now,
  });
}

/** Who someone is in a session: the candidate, a named interviewer, or (anyone else) an observer. */
export function scorerRole(userId: string, roles: { readonly candidateId?: string | undefined; readonly interviewers: readonly string[] }): ScorerRole {
  if (userId === roles.candidateId) return 'candidate';
  return roles.interviewers.includes(userId) ? 'interviewer' : 'observer';
}

export interface ScoringState {
  /** Whose cards the reveal waits for, one from each: the named interviewers (the host when none is named). */
  readonly interviewers: readonly string[];
  readonly cards: readonly Scorecard[];
  readonly sessionEnded: boolean;
}

/**
 * Cards are blind until every named interviewer has submitted one, or the session has ended. With no named
 * interviewers only the end reveals them; otherwise the first observer to score would see nothing to wait for.
 */
export function isRevealed(state: ScoringState): boolean {
  if (state.sessionEnded) return true;
  if (state.interviewers.length === 0) return false;
  return state.interviewers.every((id) => state.cards.some((c) => c.scorerId === id));
}

/** Before the reveal a scorer sees only their own card (so no interviewer sees the self-assessment); after it, everyone's. */
export function visibleCards(viewerId: string, state: ScoringState): readonly Scorecard[] {
  return isRevealed(state) ? state.cards : state.cards.filter((c) => c.scorerId === viewerId);
}

/**
 * Anyone may submit or change their own card until the reveal, and no one after it: a card written after seeing
 * the others is no longer blind. The scorer is named so that callers ask about a person, even though the rule is
 * the same for every role today.
 */
export function canEdit(_scorerId: string, state: ScoringState): boolean {
  return !isRevealed(state);
}

export interface DimensionSummary {
  readonly dimension: DimensionKey;
  readonly name: string;
  /** Null when nobody scored the dimension. */
  readonly median: number | null;
  /** Highest minus lowest score; 0 when the panel agrees. */
  readonly spread: number | null;
  readonly count: number;
}

export interface ScorerText {
  readonly scorerId: string;
  readonly text: string;
}

export interface PanelAggregate {
  /** Interviewers and observers whose cards count, by submission time. */
  readonly scorers: readonly string[];
  /** Every dimension of the rubric, in the rubric's order. */
  readonly dimensions: readonly DimensionSummary[];
  /** Only flags somebody raised, most raised first. */
  readonly redFlags: readonly { readonly key: RedFlagKey; readonly name: string; readonly count: number }[];
  /** The whole scale in order, zeros included, so a renderer can draw it as it is. */
  readonly recommendations: readonly { readonly key: RecommendationKey; readonly label: string; readonly count: number }[];
  readonly strengths: readonly ScorerText[];
  readonly improvements: readonly ScorerText[];
}

/** The middle value; for an even count the mean of the two middle values (2 and 3 give 2.5). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** The panel's cards (interviewers and observers; never the self-assessment) added up. */
export function aggregate(cards: readonly Scorecard[]): PanelAggregate {
  const panel = cards.filter((c) => c.role !== 'candidate').sort((a, b) => a.submittedAt - b.submittedAt || a.scorerId.localeCompare(b.scorerId));
  const dimensions = RUBRIC.map((d): DimensionSummary => {
    const scores = panel.flatMap((c) => c.scores[d.key]?.score ?? []);
    const spread = scores.length === 0 ? null : Math.max(...scores) - Math.min(...scores);
    return { dimension: d.key, name: d.name, median: median(scores), spread, count: scores.length };
  });
  const redFlags = RED_FLAGS.map((f) => ({ key: f.key, name: f.name, count: panel.filter((c) => c.redFlags.includes(f.key)).length }))
    .filter((f) => f.count > 0)
    .sort((a, b) => b.count - a.count);
  const recommendations = RECOMMENDATIONS.map((r) => ({ key: r.key, label: r.label, count: panel.filter((c) => c.recommendation === r.key).length }));
  const texts = (pick: (c: Scorecard) => string) => panel.filter((c) => pick(c) !== '').map((c) => ({ scorerId: c.scorerId, text: pick(c) }));
  return {
    scorers: panel.map((c) => c.scorerId),
    dimensions,
    redFlags,
    recommendations,
    strengths: texts((c) => c.strengths),
    improvements: texts((c) => c.improvements),
  };
}

export interface BesideRow {
  readonly dimension: DimensionKey;
  readonly name: string;
  readonly median: number | null;
  /** Null unless at least two of the panel scored the dimension: one score agrees with nothing. */
  readonly spread: number | null;
  /** How many of the panel's cards scored it, and how many cards there are. */
  readonly count: number;
  readonly of: number;
  readonly self: Score | null;
}

/** One row per dimension: the panel's median, spread and how many scored it, with the candidate's own score beside them. */
export function selfAssessmentBeside(panel: PanelAggregate, self?: Scorecard): readonly BesideRow[] {
  return panel.dimensions.map((d) => ({
    dimension: d.dimension,
    name: d.name,
    median: d.median,
    spread: d.count >= 2 ? d.spread : null,
    count: d.count,
    of: panel.scorers.length,
    self: self?.scores[d.dimension]?.score ?? null,
  }));
}

/** "solid" for 3, "between weak and solid" for 2.5. */
export function describeScore(value: number): string {
  const low = SCORE_LABELS[Math.floor(value) as Score];
  const high = SCORE_LABELS[Math.ceil(value) as Score];
  return low === high ? low : `between ${low} and ${high}`;
}

export interface CandidateFeedback {
  /** Up to two dimensions the panel found at least solid, best first. */
  readonly strengths: readonly DimensionSummary[];
  /** Up to two of the lowest dimensions, each scored below every strength, with one thing to practise. */
  readonly workOn: readonly (DimensionSummary & { readonly tip: string })[];
  /** Where the self-assessment and the panel's median differ by 1.5 or more. */
  readonly selfGaps: readonly { readonly dimension: DimensionKey; readonly name: string; readonly median: number; readonly self: Score }[];
  /** The section as lines addressed to the candidate, plain text. */
  readonly lines: readonly string[];
}

export const SELF_GAP = 1.5;

type Scored = DimensionSummary & { readonly median: number; readonly spread: number };

/**
 * A short section for the candidate: what went well, what to work on with one tip each, and kindly, where
 * their own view and the panel's differ. Ties go to the dimension the panel agreed on more, then rubric order. When
 * every scored area came out the same, none is singled out: the lines say so and how to reach the next score.
 */
export function feedbackForCandidate(panel: PanelAggregate, self?: Scorecard): CandidateFeedback {
  const scored = panel.dimensions.filter((d): d is Scored => d.median !== null && d.spread !== null);
  if (scored.length === 0) {
    return { strengths: [], workOn: [], selfGaps: [], lines: ['No scorecards came in from the panel, so there is no feedback to share.'] };
  }
  const order = (d: Scored) => RUBRIC.findIndex((r) => r.key === d.dimension);
  const selfGaps = scored.flatMap((d) => {
    const mine = self?.scores[d.dimension]?.score;
    return mine !== undefined && Math.abs(mine - d.median) >= SELF_GAP ? [{ dimension: d.dimension, name: d.name, median: d.median, self: mine }] : [];
  });
  const gapLines = selfGaps.map((gap) =>
    gap.self > gap.median
      ? `You gave yourself ${gap.self} (${SCORE_LABELS[gap.self]}) on ${gap.name}, the panel ${gap.median}: ask them what would have made it show.`
      : `You gave yourself ${gap.self} (${SCORE_LABELS[gap.self]}) on ${gap.name}, the panel ${gap.median}: that part went better than you thought.`,
  );
  const level = scored[0]?.median ?? 0;
  if (scored.length > 1 && scored.every((d) => d.median === level)) {
    // Sorting equal scores into strengths and weaknesses would only follow the rubric's order: say they are even.
    return { strengths: [], workOn: [], selfGaps, lines: [...evenLines(level), ...gapLines] };
  }
  const strengths = [...scored]
    .sort((a, b) => b.median - a.median || a.spread - b.spread || order(a) - order(b))
    .filter((d) => d.median >= 3)
    .slice(0, 2);
  // Only what scored below every strength: one scored the same as something that went well is not a weakness.
  const bar = Math.min(4, ...strengths.map((d) => d.median));
  const workOn = [...scored]
    .filter((d) => d.median < bar)
    .sort((a, b) => a.median - b.median || a.spread - b.spread || order(a) - order(b))
    .slice(0, 2)
    .map((d) => ({ ...d, tip: RUBRIC[order(d)]?.tip ?? '' }));
  const lines: string[] = [];
  const rated = (d: Scored) => `${d.name} (panel median ${d.median}, ${describeScore(d.median)})`;
  if (strengths.length > 0) lines.push(`What went well: ${strengths.map(rated).join(' and ')}.`);
  else lines.push(`Nothing reached solid across the panel yet; ${workOn.length === 1 ? 'the area below is' : 'the areas below are'} the place to start.`);
  for (const d of workOn) lines.push(`To work on: ${rated(d)}. ${d.tip}`);
  lines.push(...gapLines);
  return { strengths, workOn, selfGaps, lines };
}

/** How to move up from one score to the next, across every area at once: for a panel that scored all areas the same. */
export const NEXT_LEVEL_ADVICE: Readonly<Record<Exclude<Score, 1>, string>> = {
  2: 'To move up, touch every part of the interview, even briefly: questions, rough numbers, an API, a diagram and one deep dive.',
  3: 'To reach solid, make each step explicit: agree on the features, put numbers on the load, and trace each feature through your diagram.',
  4: 'To reach strong, lead the discussion: bring numbers to every decision, weigh two options before picking one, and say what breaks first at ten times the load.',
};

/** Every scored area came out the same: say so, and what would lift them all to the next score. */
function evenLines(median: number): string[] {
  const even = `Every area the panel scored came out ${describeScore(median)} (panel median ${median}).`;
  if (median >= 4) return [`${even} Nothing stands out to work on.`];
  const next = Math.min(4, Math.floor(median) + 1) as Exclude<Score, 1>;
  return [even, NEXT_LEVEL_ADVICE[next]];
}
